// Acting inside one tenant: its row (unless unknown or deleted), and the deps a use case runs with for it —
// the pool sees and writes that tenant's rows only (row-level security, ../../infra/db/tenantScope.ts).
import type { Pool } from 'pg';
import { tenantPool } from '../../infra/db/tenantScope';
import { findTenant, type Tenant } from '../../infra/db/tenants';

export type { Tenant };

/** The tenant, unless unknown or deleted. */
export function activeTenant(pool: Pool, id: string): Promise<Tenant | null> {
  return findTenant(pool, id);
}

/** The deps with `pool` scoped to the tenant and `tenantId` naming it. */
export function inTenant<T extends { pool: Pool }>(deps: T, tenantId: string): T & { tenantId: string } {
  return { ...deps, pool: tenantPool(deps.pool, tenantId), tenantId };
}
