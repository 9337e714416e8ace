// An operator's "resume now" for a subscription the circuit breaker paused (the receiver is known to be
// back): the pause and the failure count are cleared in Postgres, and the subscription's breaker workflow
// is told, which wakes every delivery held back (they drain in order, at the rate limit). One use case for
// the API and the web interface.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { flowControl } from '../../infra/db/flowControl';
import type { Logger } from '../../infra/observability/log';
import { breakerWorkflowIdFor, resumedSignal } from '../../../workflows/breakerDefinitions';

export type ResumeOutcome = { ok: true; wasPaused: boolean } | { ok: false; reason: 'not_found' };

export async function resumeNow(deps: { pool: Pool; temporal: Client; log: Logger }, subscriptionId: string, by: string): Promise<ResumeOutcome> {
  const { rowCount } = await deps.pool.query('SELECT 1 FROM subscriptions WHERE id = $1 AND deleted_at IS NULL', [subscriptionId]);
  if (!rowCount) return { ok: false, reason: 'not_found' };
  const wasPaused = await flowControl(deps.pool).resume(subscriptionId);
  if (wasPaused) {
    deps.log.info({ subscriptionId, by }, 'subscription resumed by an operator');
    // The breaker wakes the held deliveries; should it be gone, each checks again on its own within the hour.
    await deps.temporal.workflow.getHandle(breakerWorkflowIdFor(subscriptionId)).signal(resumedSignal).catch((err: Error) =>
      deps.log.warn({ subscriptionId, err }, 'the subscription\'s breaker could not be told it resumed'));
  }
  return { ok: true, wasPaused };
}
