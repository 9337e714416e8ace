// Tenants (customer businesses of the HR platform): their row, read by every request that acts inside one.
// Management (create, update, disable, delete) lives in ../../app/tenants.
import type { Pool } from 'pg';

export interface TenantLimits {
  /** Events a second the tenant may post (past it: 429 with Retry-After); absent: no limit of its own. */
  eventsPerSecond?: number;
  /** Subscriptions the tenant may have (past it: creating one is refused); absent: no limit of its own. */
  subscriptions?: number;
}

export interface TenantBranding {
  name?: string;
  logoUrl?: string;
  accentColor?: string;
}

export interface Tenant {
  id: string;
  name: string;
  portalOrigins: string[];
  branding: TenantBranding;
  limits: TenantLimits;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (v: Date | null): string | null => (v ? v.toISOString() : null);

export function tenantOf(r: Record<string, any>): Tenant {
  return {
    id: r.id, name: r.name, portalOrigins: r.portal_origins ?? [], branding: r.branding ?? {}, limits: r.limits ?? {},
    disabledAt: iso(r.disabled_at), createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  };
}

/** The tenant, unless unknown or deleted. */
export async function findTenant(pool: Pool, id: string): Promise<Tenant | null> {
  const { rows } = await pool.query('SELECT * FROM tenants WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0] ? tenantOf(rows[0]) : null;
}
