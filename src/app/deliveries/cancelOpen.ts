// Cancels every open delivery of a subscription that was disabled or deleted (the subscription use cases,
// the circuit breaker): those whose event's start Temporal refused for good are closed in Postgres (no
// workflow to signal); the others are signalled, and their close mirrored at once. Failures are logged only.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { openDeliveryIds } from '../../infra/db/deliveries';
import type { Logger } from '../../infra/observability/log';
import { cancel } from '../../infra/temporal/deliveryClient';
import { closeAtOnce } from './closeAtOnce';
import { cancelRefusedDeliveries } from '../../infra/db/deliveryStatus';

export async function cancelOpenDeliveries(
  deps: { pool: Pool; temporal: Client; log: Logger },
  subscriptionId: string,
  by: string,
  reason: string,
): Promise<void> {
  await cancelRefusedDeliveries(deps.pool, subscriptionId, { kind: 'cancel', by, note: reason, at: new Date().toISOString() });
  for (const id of await openDeliveryIds(deps.pool, subscriptionId)) {
    await cancelOne(deps, id, by, reason).catch((err: Error) => deps.log.warn({ deliveryId: id, err }, 'could not cancel delivery'));
  }
}

async function cancelOne(deps: { pool: Pool; temporal: Client; log: Logger }, id: string, by: string, reason: string): Promise<void> {
  if ((await cancel(deps.temporal, id, by, reason)) !== 'signalled') return;
  await closeAtOnce(deps, id, 'cancelled', { kind: 'cancel', by, note: reason, at: new Date().toISOString() });
}
