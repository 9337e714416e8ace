// The right to erasure (issue 23 item 4), in one tenant: cancels the employee's open deliveries (each recorded
// with the erasure's id), erases their data keys (crypto-shredding: what was sealed under them reads `erased`
// everywhere at once) and redacts their rows, then stores a receipt holding no personal data beyond the id.
// Not a block list: a later event about the same employee gets a new key. Idempotent: asked again, it answers a
// new receipt with zero counts.
import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { eraseEmployeeKeys } from '../../infra/db/employeeKeys';
import { closeDelivery } from '../../infra/db/deliveryStatus';
import {
  employeeKnown, insertErasure, listErasures, openDeliveriesOf, redactEmployee, type ErasureReceipt,
} from '../../infra/db/personalData';
import { inTransaction } from '../../infra/db/transaction';
import type { Logger } from '../../infra/observability/log';
import { cancel } from '../../infra/temporal/deliveryClient';
import { closeAtOnce } from '../deliveries/closeAtOnce';
import type { OperatorAction } from '../../../workflows/definitions';

export type { ErasureReceipt };

export interface ErasureDeps {
  /** The tenant's scoped pool. */
  pool: Pool;
  tenantId: string;
  temporal: Client;
  log: Logger;
}

export const newErasureId = (): string => `ers_${crypto.randomBytes(12).toString('hex')}`;

/** The note every delivery the erasure cancels carries: the erasure's id, nothing about the person. */
export const erasureNote = (erasureId: string): string => `erasure ${erasureId}`;

/** Cancels one open delivery: signalled when it has a workflow (mirrored at once), else closed in Postgres. */
async function cancelForErasure(deps: ErasureDeps, d: { id: string; workflowStarted: boolean }, action: OperatorAction): Promise<void> {
  const signalled = d.workflowStarted && (await cancel(deps.temporal, d.id, action.by, action.note!)) === 'signalled';
  if (signalled) await closeAtOnce(deps, d.id, 'cancelled', action);
  else await closeDelivery(deps.pool, d.id, 'cancelled', action);
}

/** Null when the tenant holds nothing about the employee (the API answers 404, as for another tenant's employee). */
export async function eraseEmployee(deps: ErasureDeps, employeeId: string, by: string): Promise<ErasureReceipt | null> {
  if (!(await employeeKnown(deps.pool, deps.tenantId, employeeId))) return null;
  const id = newErasureId();
  const action: OperatorAction = { kind: 'cancel', by, note: erasureNote(id), at: new Date().toISOString() };
  for (const open of await openDeliveriesOf(deps.pool, deps.tenantId, employeeId)) {
    await cancelForErasure(deps, open, action);
  }
  return inTransaction(deps.pool, async (client) => {
    await eraseEmployeeKeys(client, deps.tenantId, employeeId);
    const counts = await redactEmployee(client, deps.tenantId, employeeId, id);
    return insertErasure(client, deps.tenantId, { id, employeeId, by, counts });
  });
}

export function erasuresOf(deps: Pick<ErasureDeps, 'pool' | 'tenantId'>, employeeId: string | null = null): Promise<ErasureReceipt[]> {
  return listErasures(deps.pool, deps.tenantId, employeeId);
}
