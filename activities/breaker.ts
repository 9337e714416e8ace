// The circuit breaker's side effects (issue 15), run as local activities of the `breaker` workflow or
// from the send activity: start or wake a subscription's breaker, pick and wake its probe, wake every
// delivery it held back once it resumes, disable it after too long, and tell the admin. The breaker's
// state (failure count, paused or not) is the flow-control port's (src/infra/db/flowControl.ts); its rules
// are src/domain/flow/breaker.ts; its schedule the workflow's durable timers.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import { flowControl } from '../src/infra/db/flowControl';
import { cancelOpenDeliveries } from '../src/app/deliveries/cancelOpen';
import { BREAKER_WORKFLOW, breakerWorkflowIdFor, resumedSignal, type AdminNotice } from '../workflows/breakerDefinitions';
import { wakeSignal, type WakeTarget } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { disableSubscription } from '../src/infra/db/subscriptions';

/** The worker's Temporal client, as the running activity sees it; null outside an activity (unit use). */
function clientOf(): { client: Client; taskQueue: string } | null {
  try {
    const ctx = Context.current();
    return { client: ctx.client, taskQueue: ctx.info.taskQueue };
  } catch {
    return null;
  }
}

/** Starts the subscription's breaker unless it runs already (idempotent: one per subscription). */
export async function ensureBreaker(deps: ActivityDeps, subscriptionId: string): Promise<void> {
  const temporal = clientOf();
  if (!temporal) return;
  try {
    await temporal.client.workflow.start(BREAKER_WORKFLOW, {
      workflowId: breakerWorkflowIdFor(subscriptionId),
      taskQueue: temporal.taskQueue,
      args: [{ subscriptionId, ...deps.breaker }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    deps.log.error({ subscriptionId, err: (err as Error).message, cause: (err as Error).cause }, 'could not start the circuit breaker');
  }
}

/** Tells a running breaker its subscription resumed (a probe got through); a missing one is fine. */
export async function signalResumed(deps: ActivityDeps, subscriptionId: string): Promise<void> {
  const temporal = clientOf();
  if (!temporal) return;
  await temporal.client.workflow.getHandle(breakerWorkflowIdFor(subscriptionId)).signal(resumedSignal).catch((err: Error) =>
    deps.log.info({ subscriptionId, err: err.message }, 'no breaker to tell the subscription resumed'));
}

/** Signals sent at once while waking held deliveries. */
const WAKE_CONCURRENCY = 8;

async function wake(deps: ActivityDeps, targets: WakeTarget[], probe: boolean): Promise<number> {
  const temporal = clientOf();
  if (!temporal) return 0;
  const limit = pLimit(WAKE_CONCURRENCY);
  const woken = await Promise.all(targets.map((t) => limit(async () => {
    try {
      await temporal.client.workflow.getHandle(t.workflowId).signal(wakeSignal, { deliveryId: t.deliveryId, probe });
      return 1;
    } catch (err) {
      deps.log.warn({ deliveryId: t.deliveryId, err: (err as Error).message }, 'could not wake a held delivery');
      return 0;
    }
  })));
  return woken.reduce((n: number, w) => n + w, 0);
}

export interface ProbeResult {
  paused: boolean;
  /** The delivery asked to make the probe attempt (the oldest held back), or null when none waits. */
  probed: string | null;
  waiting: number;
}

/** Asks the oldest delivery the paused subscription holds back to make one attempt (it goes through although paused). */
export async function breakerProbe(deps: ActivityDeps, subscriptionId: string): Promise<ProbeResult> {
  const view = await flowControl(deps.pool).probe(subscriptionId);
  if (!view.paused) return { paused: false, probed: null, waiting: 0 };
  const head = view.waiting[0];
  if (head) await wake(deps, [head], true);
  return { paused: true, probed: head?.deliveryId ?? null, waiting: view.waiting.length };
}

/**
 * Wakes every delivery the subscription held back while paused (they then drain in order, at the rate limit).
 * The pause is already cleared in Postgres by whatever resumed it (a probe's success, an operator).
 */
export async function breakerRelease(deps: ActivityDeps, subscriptionId: string): Promise<number> {
  return wake(deps, await flowControl(deps.pool).heldByPause(subscriptionId), false);
}

/** Paused too long: the subscription is disabled with its reason and its open deliveries cancelled. */
export async function breakerDisable(deps: ActivityDeps, subscriptionId: string, reason: string): Promise<void> {
  await disableSubscription(deps.pool, subscriptionId, reason);
  await flowControl(deps.pool).resume(subscriptionId);
  const temporal = clientOf();
  if (temporal) await cancelOpenDeliveries({ pool: deps.pool, temporal: temporal.client, log: deps.log }, subscriptionId, 'circuit breaker', reason);
}

/** Posts the notice to the admin webhook (HRHOOKS_ADMIN_WEBHOOK_URL) when one is configured; false when none is. */
export async function notifyAdmin(deps: ActivityDeps, notice: AdminNotice): Promise<boolean> {
  if (!deps.adminWebhookUrl) return false;
  const { rows } = await deps.pool.query('SELECT name, url FROM subscriptions WHERE id = $1', [notice.subscriptionId]);
  const body = JSON.stringify({ ...notice, subscriptionName: rows[0]?.name ?? null });
  const response = await fetch(deps.adminWebhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'hrhooks-admin-notice' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`admin webhook answered HTTP ${response.status}`);
  return true;
}
