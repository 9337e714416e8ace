// Tenants (customer businesses of the HR platform): their row, read by every request that acts inside one,
// and the statements that manage it (create, list, update, disable/enable, delete and what a deletion ends:
// the tenant's keys and web sessions). The rules (validation, what a deletion does in which order) live in
// ../../app/tenants; this file only reads and writes rows.
import type { Pool } from 'pg';
import { CLOSED_STATUSES } from '../../domain/delivery/status';

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

/** Retention periods of its own ("90d"); absent: the instance's defaults (HRHOOKS_RETENTION_*). */
export interface TenantRetention {
  events?: string;
  bodies?: string;
}

export interface Tenant {
  id: string;
  name: string;
  portalOrigins: string[];
  branding: TenantBranding;
  limits: TenantLimits;
  retention: TenantRetention;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields a platform sets on a tenant (all of them on create, those given on update). */
export interface TenantFields {
  name: string;
  portalOrigins: string[];
  branding: TenantBranding;
  limits: TenantLimits;
  retention: TenantRetention;
}

const iso = (v: Date | null): string | null => (v ? v.toISOString() : null);

export function tenantOf(r: Record<string, any>): Tenant {
  return {
    id: r.id, name: r.name, portalOrigins: r.portal_origins ?? [], branding: r.branding ?? {}, limits: r.limits ?? {}, retention: r.retention ?? {},
    disabledAt: iso(r.disabled_at), createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  };
}

/** The tenant, unless unknown or deleted. */
export async function findTenant(pool: Pool, id: string): Promise<Tenant | null> {
  const { rows } = await pool.query('SELECT * FROM tenants WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0] ? tenantOf(rows[0]) : null;
}

/** A new tenant; null when the id is taken (by a live or a deleted tenant: ids are never reused). */
export async function insertTenant(pool: Pool, id: string, fields: TenantFields): Promise<Tenant | null> {
  const { rows } = await pool.query(
    `INSERT INTO tenants (id, name, portal_origins, branding, limits, retention) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [id, fields.name, JSON.stringify(fields.portalOrigins), JSON.stringify(fields.branding), JSON.stringify(fields.limits), JSON.stringify(fields.retention)],
  );
  return rows[0] ? tenantOf(rows[0]) : null;
}

/** Live tenants by id, `limit` of them after the id `after` (a page; the next starts after its last id). */
export async function listTenants(pool: Pool, page: { after?: string; limit: number }): Promise<Tenant[]> {
  const { rows } = await pool.query(
    'SELECT * FROM tenants WHERE deleted_at IS NULL AND ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2',
    [page.after ?? null, page.limit],
  );
  return rows.map(tenantOf);
}

/** Sets the fields given (each replaces the stored value); null when the tenant is unknown or deleted. */
export async function updateTenant(pool: Pool, id: string, patch: Partial<TenantFields>): Promise<Tenant | null> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const { rows } = await pool.query(
    `UPDATE tenants SET name = coalesce($2, name), portal_origins = coalesce($3::jsonb, portal_origins),
            branding = coalesce($4::jsonb, branding), limits = coalesce($5::jsonb, limits),
            retention = coalesce($6::jsonb, retention), updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [id, patch.name ?? null, json(patch.portalOrigins), json(patch.branding), json(patch.limits), json(patch.retention)],
  );
  return rows[0] ? tenantOf(rows[0]) : null;
}

/** Disables (by: who) or enables (by: null) a live tenant; an unchanged state keeps its first timestamp. */
export async function setTenantDisabled(pool: Pool, id: string, by: string | null): Promise<Tenant | null> {
  const { rows } = await pool.query(
    `UPDATE tenants SET disabled_at = CASE WHEN $2::text IS NULL THEN NULL ELSE coalesce(disabled_at, now()) END,
            disabled_by = CASE WHEN $2::text IS NULL THEN NULL ELSE coalesce(disabled_by, $2) END,
            updated_at = CASE WHEN (disabled_at IS NULL) = ($2::text IS NULL) THEN updated_at ELSE now() END
      WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [id, by],
  );
  return rows[0] ? tenantOf(rows[0]) : null;
}

/** The subscriptions that have open deliveries (run through the tenant's scoped pool: its own only). */
export async function subscriptionsWithOpenDeliveries(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query(
    'SELECT DISTINCT subscription_id FROM deliveries WHERE status <> ALL($1::text[]) ORDER BY subscription_id',
    [CLOSED_STATUSES],
  );
  return rows.map((r) => r.subscription_id as string);
}

/** How many deliveries are still open (through the tenant's scoped pool). */
export async function countOpenDeliveries(pool: Pool): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM deliveries WHERE status <> ALL($1::text[])', [CLOSED_STATUSES]);
  return rows[0].n as number;
}

/** Revokes every live key of the tenant; returns how many. */
export async function revokeTenantKeys(pool: Pool, id: string, by: string): Promise<number> {
  const { rowCount } = await pool.query(
    'UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE tenant_id = $1 AND revoked_at IS NULL',
    [id, by],
  );
  return rowCount ?? 0;
}

/** Ends every web session of the tenant (signed in with its keys, or opened by a portal link); returns how many. */
export async function endTenantSessions(pool: Pool, id: string): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM ui_sessions WHERE tenant_id = $1', [id]);
  return rowCount ?? 0;
}

/** Marks the tenant deleted (its rows stay, refused everywhere); null when unknown or deleted already. */
export async function markTenantDeleted(pool: Pool, id: string, by: string): Promise<Tenant | null> {
  const { rows } = await pool.query(
    `UPDATE tenants SET deleted_at = now(), deleted_by = $2, disabled_at = coalesce(disabled_at, now()),
            disabled_by = coalesce(disabled_by, $2), updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [id, by],
  );
  return rows[0] ? tenantOf(rows[0]) : null;
}
