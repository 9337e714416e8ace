// The send activity's record stage: writes what the attempts decided (attempts and statuses, holds,
// collapses, closes), tells flow control what the receivers did, and finds whom the closes let go. Also
// mirrors a status the workflow decided on its own. Decides nothing: src/domain/delivery and
// src/domain/flow do; flow control's state is the port's (src/infra/db/flowControl.ts).
import type { Pool } from 'pg';
import { flowControl, type BreakerChange } from '../src/infra/db/flowControl';
import { successorsOf } from '../src/infra/db/ordering';
import { isClosedStatus } from '../src/domain/delivery/status';
import { breakerReport, type EndedAttempt } from '../src/domain/flow/breaker';
import { deliveriesFinished } from '../src/infra/observability/metrics';
import type { SendAttemptInput, StatusChange, WakeTarget } from '../workflows/definitions';
import { ensureBreaker, signalResumed } from './breaker';
import type { ActivityDeps } from './deps';
import { readable, recheckHeld, type Gate, type Loaded } from './gate';
import type { AttemptEnd } from './post';
import { disableSubscription } from '../src/infra/db/subscriptions';
import { recordAttempts, writeDeliveryStatus, type AttemptRecord, type StatusUpdate, holdDeliveries, supersedeDeliveries } from '../src/infra/db/deliveryStatus';

/** The attempts due together, as far as the stages before took them. */
export interface Batch {
  inputs: SendAttemptInput[];
  contexts: Map<string, Loaded>;
  gates: Gate[];
  /** One per input: null where the gate held or superseded it. */
  ends: Array<AttemptEnd | null>;
}

const WRITE_WINDOW_MS = 5;

type AttemptWrite = { attempt: AttemptRecord; update: StatusUpdate };

/**
 * Writes attempts as they end, those ending within a few milliseconds of each other in one statement:
 * a slow receiver never holds back the record of the fast ones. done() rejects if any write failed.
 */
export function attemptWriter(pool: Pool) {
  let pending: AttemptWrite[] = [];
  let timer: NodeJS.Timeout | null = null;
  const writes: Promise<void>[] = [];
  const flush = () => {
    timer = null;
    const rows = pending;
    pending = [];
    const write = recordAttempts(pool, rows);
    write.catch(() => undefined); // observed by done()
    writes.push(write);
  };
  return {
    add(row: AttemptWrite) {
      pending.push(row);
      timer ??= setTimeout(flush, WRITE_WINDOW_MS);
    },
    async done() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await Promise.all(writes);
    },
  };
}

export type AttemptWriter = ReturnType<typeof attemptWriter>;

/** Waits for the attempt writes; whatever happens, gives back the slots and tells the breaker. */
export async function recordAttemptsAndFlow(deps: ActivityDeps, writer: AttemptWriter, batch: Batch, granted: string[]): Promise<void> {
  try {
    await writer.done();
  } finally {
    const change = await flowControl(deps.pool).recordOutcomes(granted, breakerReport(endedAttempts(batch)));
    await startOrTellBreakers(deps, change, batch);
  }
}

/** The attempts that ended with a record, as the breaker's rules read them (src/domain/flow/breaker.ts). */
function endedAttempts({ inputs, contexts, ends }: Batch): EndedAttempt[] {
  return ends.flatMap((end, i) => {
    const ctx = readable(contexts.get(inputs[i]!.deliveryId));
    if (!end || !end.write || !ctx) return [];
    return [{
      subscriptionId: ctx.subscription.id,
      outcome: end.result.outcome,
      errorKind: end.write.attempt.errorKind ?? null,
      statusCode: end.result.statusCode,
      retryAfterMs: end.retryAfterMs,
      pauseAfterFailures: ctx.limits.pauseAfterFailures,
      seen: ctx.breaker,
    }];
  });
}

/**
 * A subscription the tally paused, or one a delivery of this batch found paused, must have its breaker workflow
 * running (it may have been lost to a crash); one a probe's success resumed has its breaker told.
 */
async function startOrTellBreakers(deps: ActivityDeps, { paused, resumed }: BreakerChange, { inputs, contexts, gates }: Batch): Promise<void> {
  const pausedNow = new Set(paused);
  gates.forEach((g, i) => {
    const ctx = readable(contexts.get(inputs[i]!.deliveryId));
    if (g.kind === 'held' && g.waitingFor.kind === 'pause' && ctx) pausedNow.add(ctx.subscription.id);
  });
  for (const sub of pausedNow) await ensureBreaker(deps, sub);
  for (const sub of resumed) await signalResumed(deps, sub);
}

/** Writes the holds (then looks again at what they wait for) and the collapses; returns how many were superseded. */
export async function recordHeldAndSuperseded(deps: ActivityDeps, batch: Batch): Promise<number> {
  const { inputs, gates, contexts } = batch;
  const held = gates.flatMap((g, i) => (g.kind === 'held'
    ? [{ deliveryId: inputs[i]!.deliveryId, waitingFor: g.waitingFor, nextAttemptAt: g.retryInMs === null ? null : new Date(Date.now() + g.retryInMs) }]
    : []));
  const superseded = gates.flatMap((g, i) => (g.kind === 'superseded' ? [{ deliveryId: inputs[i]!.deliveryId, by: g.by }] : []));
  await holdDeliveries(deps.pool, held);
  await recheckHeld(deps, gates, contexts, inputs);
  await supersedeDeliveries(deps.pool, superseded);
  return superseded.length;
}

/** Closes what the attempts found closed: cancelled unsent (subscription disabled), a 410 disables its subscription. */
export async function recordCloses(deps: ActivityDeps, { inputs, ends }: Batch): Promise<void> {
  for (const [i, end] of ends.entries()) {
    if (end?.cancelled) {
      await writeDeliveryStatus(deps.pool, inputs[i]!.deliveryId, 'cancelled', null);
      deliveriesFinished.inc({ status: 'cancelled' });
    }
    if (end?.goneSubscription) {
      await disableSubscription(deps.pool, end.goneSubscription, `receiver answered 410 Gone to delivery ${inputs[i]!.deliveryId}`);
    }
  }
}

/** Whom the closes let go: only deliveries of ordered subscriptions have successors (no query otherwise). */
export async function successorsOfClosed(deps: ActivityDeps, { inputs, contexts, gates, ends }: Batch): Promise<Map<string, WakeTarget[]>> {
  const closed = inputs.filter((input, i) => {
    const outcome = ends[i]?.result.outcome;
    const ordered = readable(contexts.get(input.deliveryId))?.ordered === true;
    return ordered && (gates[i]!.kind === 'superseded' || outcome === 'success' || outcome === 'cancelled');
  }).map((input) => input.deliveryId);
  return closed.length > 0 ? successorsOf(deps.pool, closed) : new Map<string, WakeTarget[]>();
}

/** Mirrors in Postgres a status the workflow decided (an operator's close, an attempt that could not run); returns whom a close lets go. */
export async function mirrorStatus(deps: ActivityDeps, change: StatusChange): Promise<WakeTarget[]> {
  await writeDeliveryStatus(
    deps.pool,
    change.deliveryId,
    change.status,
    change.nextAttemptAt ? new Date(change.nextAttemptAt) : null,
    change.action,
    change.attempt,
  );
  if (change.status !== 'retrying') deliveriesFinished.inc({ status: change.status });
  if (change.status === 'processed') await flowControl(deps.pool).forgiveStreaks([change.deliveryId]);
  if (!isClosedStatus(change.status)) return [];
  return (await successorsOf(deps.pool, [change.deliveryId])).get(change.deliveryId) ?? [];
}
