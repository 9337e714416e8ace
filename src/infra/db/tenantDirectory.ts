// What the platform operator's global web interface reads across tenants: the live tenants (for its tenant
// filter) and which tenant owns a subscription (an action from the global view runs in the owner's tenant).
import type { Pool } from 'pg';

export interface TenantName {
  id: string;
  name: string;
}

export async function liveTenantNames(pool: Pool): Promise<TenantName[]> {
  const { rows } = await pool.query('SELECT id, name FROM tenants WHERE deleted_at IS NULL ORDER BY (id <> \'default\'), lower(name), id LIMIT 1000');
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

/** The tenant of each subscription, by id (the global view's tenant column). */
export async function subscriptionTenants(pool: Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query('SELECT id, tenant_id FROM subscriptions');
  return new Map(rows.map((r) => [r.id as string, r.tenant_id as string]));
}

export async function tenantOfSubscription(pool: Pool, id: string): Promise<string | null> {
  const { rows } = await pool.query('SELECT tenant_id FROM subscriptions WHERE id = $1', [id]);
  return rows[0]?.tenant_id ?? null;
}
