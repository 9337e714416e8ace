// The signed-POST activity: the attempts of one or more deliveries of an event that are due together, run
// as one local activity of the event workflow, in named stages: load (their subscriptions, secrets included,
// in one query at send time) → gate (order, collapse, limits, breaker: gate.ts) → post (concurrently through
// the guarded dispatcher: post.ts) → record (every attempt and the status it leads to: record.ts).
// Only infrastructure errors (Postgres unreachable) throw, for the workflow's bounded local retry.
import { loadDeliveryContexts } from '../src/infra/db/deliveryLog';
import { formatWaitingFor } from '../src/domain/flow/waitingFor';
import { deliveriesFinished } from '../src/infra/observability/metrics';
import type { SendAttemptInput, SendAttemptResult, WakeTarget } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { gate, sendable, type Gate } from './gate';
import { attemptOne, type AttemptEnd } from './post';
import {
  attemptWriter,
  recordAttemptsAndFlow,
  recordCloses,
  recordHeldAndSuperseded,
  successorsOfClosed,
  type AttemptWriter,
  type Batch,
} from './record';

/**
 * The attempts due together (one event's deliveries, or one delivery): one context query, the gate, the
 * requests concurrently, their records as they end. Throws only for infrastructure errors (Postgres
 * unreachable), which the workflow retries a bounded number of times.
 */
export async function sendAttempts(deps: ActivityDeps, inputs: SendAttemptInput[]): Promise<SendAttemptResult[]> {
  const startedAt = new Date();
  const contexts = await loadDeliveryContexts(deps.pool, deps.box, inputs.map((i) => i.deliveryId), startedAt);
  const gates = await gate(deps, inputs, contexts);
  const writer = attemptWriter(deps.pool);
  const { ends, granted } = await postGranted(deps, { inputs, gates, startedAt }, writer);
  const batch: Batch = { inputs, contexts, gates, ends };
  await recordAttemptsAndFlow(deps, writer, batch, granted);
  const superseded = await recordHeldAndSuperseded(deps, batch);
  await recordCloses(deps, batch);
  const wake = await successorsOfClosed(deps, batch);
  if (superseded > 0) deliveriesFinished.inc({ status: 'superseded' }, superseded);
  return inputs.map((input, i) => answer(gates[i]!, ends[i]!, startedAt, wake.get(input.deliveryId)));
}

/** Posts every delivery the gate lets through, concurrently; each attempt's record is queued as it ends. */
async function postGranted(
  deps: ActivityDeps, due: { inputs: SendAttemptInput[]; gates: Gate[]; startedAt: Date }, writer: AttemptWriter,
): Promise<{ ends: Array<AttemptEnd | null>; granted: string[] }> {
  const granted: string[] = [];
  const ends = await Promise.all(
    due.inputs.map(async (input, i): Promise<AttemptEnd | null> => {
      const g = due.gates[i]!;
      if (g.kind !== 'send') return null;
      if (sendable(g.ctx)) granted.push(input.deliveryId);
      const end = await attemptOne(deps, input, g.ctx, due.startedAt);
      if (end.write) writer.add(end.write);
      return end;
    }),
  );
  return { ends, granted };
}

/** What the workflow is told for one delivery: held, superseded, or its attempt's result; and whom its close lets go. */
function answer(g: Gate, end: AttemptEnd | null, startedAt: Date, wakes: WakeTarget[] | undefined): SendAttemptResult {
  const at = startedAt.toISOString();
  if (g.kind === 'held') return { outcome: 'held', held: { waitingFor: formatWaitingFor(g.waitingFor), retryInMs: g.retryInMs }, statusCode: null, durationMs: 0, error: null, at, nextDelayMs: null };
  if (g.kind === 'superseded') return { outcome: 'superseded', statusCode: null, durationMs: 0, error: null, at, nextDelayMs: null, ...(wakes ? { wake: wakes } : {}) };
  const result = end!.result;
  return wakes ? { ...result, wake: wakes } : result;
}
