// Deleting a tenant (the platform's DELETE /v1/tenants/:id and `hrhooks tenants delete`): no new events
// (disabled first), every open delivery cancelled through the tenant's own scoped pool by the same use case a
// stopped subscription uses (the cancel is an operator action on each delivery, by whom and why), then its
// keys revoked, its web sessions ended, the row marked deleted. `default` is never deleted. Retryable: a
// delivery that could not be cancelled yet (Temporal out of reach, a start still pending) leaves the tenant
// disabled, not deleted, and says how many are open.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { DEFAULT_TENANT, isTenantId } from '../../domain/tenants/tenantId';
import { tenantPool } from '../../infra/db/tenantScope';
import {
  countOpenDeliveries,
  endTenantSessions,
  markTenantDeleted,
  revokeTenantKeys,
  setTenantDisabled,
  subscriptionsWithOpenDeliveries,
  type Tenant,
} from '../../infra/db/tenants';
import type { Logger } from '../../infra/observability/log';
import { cancelOpenDeliveries } from '../deliveries/cancelOpen';

export interface DeleteTenantDeps {
  pool: Pool;
  temporal: Client;
  log: Logger;
}

export type DeleteTenantOutcome =
  | { ok: true; tenant: Tenant; keysRevoked: number; sessionsEnded: number }
  | { ok: false; reason: 'not_found' | 'default' }
  | { ok: false; reason: 'open_deliveries'; open: number };

export const DELETE_REASON = 'tenant deleted';

export async function deleteTenant(deps: DeleteTenantDeps, id: string, by: string): Promise<DeleteTenantOutcome> {
  if (id === DEFAULT_TENANT) return { ok: false, reason: 'default' };
  if (!isTenantId(id) || !(await setTenantDisabled(deps.pool, id, by))) return { ok: false, reason: 'not_found' };
  const scoped = { ...deps, pool: tenantPool(deps.pool, id) };
  for (const subscriptionId of await subscriptionsWithOpenDeliveries(scoped.pool)) {
    await cancelOpenDeliveries(scoped, subscriptionId, by, DELETE_REASON);
  }
  const open = await countOpenDeliveries(scoped.pool);
  if (open > 0) {
    deps.log.warn({ tenantId: id, open }, 'tenant not deleted yet: open deliveries could not be cancelled; it stays disabled');
    return { ok: false, reason: 'open_deliveries', open };
  }
  const keysRevoked = await revokeTenantKeys(deps.pool, id, by);
  const sessionsEnded = await endTenantSessions(deps.pool, id);
  const tenant = await markTenantDeleted(deps.pool, id, by);
  if (!tenant) return { ok: false, reason: 'not_found' };
  deps.log.info({ tenantId: id, by, keysRevoked, sessionsEnded }, 'tenant deleted');
  return { ok: true, tenant, keysRevoked, sessionsEnded };
}
