// The `event` workflow: one accepted event, fanned out to every matching subscription. Each delivery
// runs its own ladder of durable timers inside, attempts as local activities (no activity task round
// trip), and answers operator signals addressed to it by delivery id. Deterministic: no I/O here.
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import {
  CLOSED_STATUSES,
  cancelSignal,
  markProcessedSignal,
  resyncSignal,
  stateQuery,
  wakeSignal,
  type DeliverySpec,
  type DeliveryState,
  type DeliveryStatus,
  type EventInput,
  type EventState,
  type OperatorAction,
  type SendAttemptInput,
  type SendAttemptResult,
  type WakeTarget,
} from './definitions';
import { attemptsKey, nextAttemptKey, statusKey } from './searchAttributes';

const RECENT_ATTEMPTS = 20;
const RECENT_ACTIONS = 50;
const DEFAULT_HISTORY_LIMIT = 2_000;
/** How long an attempt cut off by an operator waits for that operator's signal before counting as failed. */
const ABORTED_WAIT = '1 minute';
/**
 * A queued delivery is woken by a signal (the delivery ahead closed, the subscription resumed); should that
 * signal be lost (the waking workflow terminated by hand), it checks again on its own: 5 min, doubling to 1 h,
 * each spread by up to +25 %.
 */
const HELD_RECHECK_MS = 5 * 60_000;
const HELD_RECHECK_MAX_MS = 60 * 60_000;

// One call attempts every delivery due at the same moment (all of them, at an event's start): one HTTP
// request each (bounded by HRHOOKS_ATTEMPT_TIMEOUT), one Postgres read and one write for the batch.
// A local retry covers a brief Postgres blip; past it the attempts count as failed on their ladders.
const { sendAttempts } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

const { mirrorStatus } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

function newDelivery(spec: DeliverySpec): DeliveryState {
  return {
    deliveryId: spec.deliveryId,
    subscriptionId: spec.subscriptionId,
    status: 'pending',
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: null,
    ladderMs: spec.ladderMs,
    ladderPosition: 0,
    actions: [],
    lastError: null,
    pending: { resync: false, process: null, cancel: null },
    waitingFor: null,
    heldChecks: 0,
    wake: null,
  };
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return e?.cause?.message || e?.message || String(err);
}

const isClosed = (d: DeliveryState) => CLOSED_STATUSES.includes(d.status);
const wantsAttention = (d: DeliveryState) => d.pending.resync || !!d.pending.process || !!d.pending.cancel;

/** Nothing to report yet: every delivery pending or delivered at its first attempt, no operator involved. */
const routine = (d: DeliveryState) =>
  (d.status === 'pending' || d.status === 'delivering' || d.status === 'delivered') && d.attemptCount <= 1 && d.actions.length === 0;

/**
 * Search attributes. HrhooksStatus, HrhooksAttempts and HrhooksNextAttempt are first set when some
 * delivery needs more than a first-try success (a retry, a failure, an operator): an event delivered
 * everywhere at the first attempt closes without them, and costs no upsert (measured: the upsert was a
 * quarter of the engine's work per event). After that they are upserted whenever their values change.
 * Decided synchronously in the changing delivery's own continuation, never at the end of an activation:
 * local activity results grouped differently on replay than live must issue the same commands
 * (test/workflows/replay.test.ts).
 */
function searchAttributePublisher(input: EventInput, state: EventState, shown: Map<string, DeliveryStatus>) {
  const compute = () => {
    const statuses = [...new Set(state.deliveries.map((d) => shown.get(d.deliveryId) ?? d.status))].sort();
    const next = state.deliveries.map((d) => d.nextAttemptAt).filter((t): t is string => !!t).sort()[0] ?? null;
    const attempts = state.deliveries.reduce((n, d) => n + d.attemptCount, 0);
    return JSON.stringify({ statuses, next, attempts });
  };
  // A continued run re-publishes once (its first upsert); a first run starts with none of them set.
  let last = '';
  let published = false;
  return {
    flush() {
      if (input.searchAttributes === false) return;
      if (!published && !input.carried && state.deliveries.every(routine)) return;
      published = true;
      const values = compute();
      if (values === last) return;
      last = values;
      const { statuses, next, attempts } = JSON.parse(values) as { statuses: string[]; next: string | null; attempts: number };
      upsertSearchAttributes([
        { key: statusKey, value: statuses },
        { key: attemptsKey, value: attempts },
        { key: nextAttemptKey, value: next ? new Date(next) : null },
      ]);
    },
  };
}

export async function event(input: EventInput): Promise<EventState> {
  const state: EventState = input.carried
    ? { ...input.carried, runs: input.carried.runs + 1 }
    : { eventId: input.eventId, eventType: input.eventType, deliveries: input.deliveries.map(newDelivery), runs: 1 };
  const byId = new Map(state.deliveries.map((d) => [d.deliveryId, d]));
  /** What the search attributes show while an attempt is in flight: the status before it (no transient `delivering`). */
  const shown = new Map<string, DeliveryStatus>();
  /** Each delivery's cancellation scope, made anew only after an operator cancelled it (a scope costs promises). */
  const scopes = new Map<string, CancellationScope>();
  /** Deliveries with an attempt in flight: an operator's close cancels their scope. */
  const inFlight = new Set<string>();

  /**
   * Attempts asked for in the same activation go out as one local activity: one marker in history,
   * one Postgres read and write. A batch of one runs in its delivery's cancellation scope; a larger one
   * cannot be cancelled per delivery, so an operator's close reaches its request through the abort
   * channel (the workers' LISTEN), which is the fast path anyway.
   */
  let queued: Array<{ input: SendAttemptInput; scope: CancellationScope; resolve: (r: SendAttemptResult) => void; reject: (e: unknown) => void }> = [];
  const flushAttempts = () => {
    const batch = queued;
    queued = [];
    const sent = batch.length === 1
      ? batch[0]!.scope.run(() => sendAttempts([batch[0]!.input]))
      : CancellationScope.nonCancellable(() => sendAttempts(batch.map((q) => q.input)));
    sent.then(
      (results) => batch.forEach((q, i) => q.resolve(results[i]!)),
      (err) => batch.forEach((q) => q.reject(err)),
    );
  };
  const sendBatched = (input: SendAttemptInput, scope: CancellationScope) =>
    new Promise<SendAttemptResult>((resolve, reject) => {
      queued.push({ input, scope, resolve, reject });
      if (queued.length === 1) void Promise.resolve().then(flushAttempts);
    });
  /** Local activities running (attempts and mirror writes): continue-as-new waits for none. */
  let busy = 0;
  const publisher = searchAttributePublisher(input, state, shown);

  const remember = (d: DeliveryState, action: Omit<OperatorAction, 'at'>) => {
    d.actions = [...d.actions, { ...action, at: new Date().toISOString() }].slice(-RECENT_ACTIONS);
  };
  const addressed = (deliveryId: string): DeliveryState | undefined => {
    const d = byId.get(deliveryId);
    if (!d) log.warn('signal for a delivery this event does not have', { deliveryId });
    return d;
  };
  setHandler(stateQuery, () => state);
  setHandler(resyncSignal, (req) => {
    const d = addressed(req.deliveryId);
    if (!d) return;
    remember(d, { kind: 'resync', by: req.by, note: req.note ?? null });
    if (!isClosed(d)) d.pending.resync = true;
  });
  /** An operator close: remembered, then (on an open delivery) queued and its in-flight attempt cancelled. */
  const closeRequested = (deliveryId: string, action: Omit<OperatorAction, 'at'>, queue: (d: DeliveryState) => void) => {
    const d = addressed(deliveryId);
    if (!d) return;
    remember(d, action);
    if (isClosed(d)) return;
    queue(d);
    if (inFlight.has(d.deliveryId)) scopes.get(d.deliveryId)?.cancel();
  };
  setHandler(wakeSignal, (req) => {
    const d = byId.get(req.deliveryId);
    if (!d || isClosed(d)) return;
    d.wake = { probe: !!req.probe || !!d.wake?.probe };
  });
  setHandler(markProcessedSignal, (req) =>
    closeRequested(req.deliveryId, { kind: 'markProcessed', by: req.by, note: req.note }, (d) => void (d.pending.process ??= req)),
  );
  setHandler(cancelSignal, (req) =>
    closeRequested(req.deliveryId, { kind: 'cancel', by: req.by, note: req.reason }, (d) => void (d.pending.cancel ??= req)),
  );

  /**
   * Wakes the deliveries queued behind one that just closed. They always belong to other events (one event
   * has one delivery per subscription), so to other workflows.
   */
  const wakeAll = async (targets: WakeTarget[] | undefined) => {
    for (const t of targets ?? []) {
      busy += 1;
      try {
        await getExternalWorkflowHandle(t.workflowId).signal(wakeSignal, { deliveryId: t.deliveryId });
      } catch (err) {
        log.info('a delivery queued behind this one could not be woken (its workflow is not running yet)', { deliveryId: t.deliveryId, error: messageOf(err) });
      } finally {
        busy -= 1;
      }
    }
  };

  const setStatus = (d: DeliveryState, status: DeliveryStatus, nextAttemptAt: string | null) => {
    d.status = status;
    d.nextAttemptAt = nextAttemptAt;
    if (status !== 'queued') d.waitingFor = null;
    shown.delete(d.deliveryId);
    publisher.flush();
  };

  const close = async (d: DeliveryState, status: 'processed' | 'cancelled') => {
    setStatus(d, status, null);
    const action = d.actions.filter((a) => a.kind === (status === 'processed' ? 'markProcessed' : 'cancel')).at(-1);
    busy += 1;
    try {
      await wakeAll(await mirrorStatus({ deliveryId: d.deliveryId, status, nextAttemptAt: null, action }));
    } catch (err) {
      log.error('could not mirror a closed delivery in Postgres', { deliveryId: d.deliveryId, error: messageOf(err) });
    } finally {
      busy -= 1;
    }
  };

  /** Runs one attempt; an attempt that cannot run at all (activity exhausted) is a failed attempt too. */
  const attempt = async (d: DeliveryState, action?: OperatorAction, probe = false): Promise<SendAttemptResult> => {
    d.attemptCount += 1;
    shown.set(d.deliveryId, d.status);
    d.status = 'delivering';
    d.nextAttemptAt = null;
    const at = new Date().toISOString();
    const ladderDelayMs = d.ladderMs[d.ladderPosition] ?? null;
    let scope = scopes.get(d.deliveryId);
    if (!scope || scope.consideredCancelled) scopes.set(d.deliveryId, (scope = new CancellationScope()));
    inFlight.add(d.deliveryId);
    let result: SendAttemptResult;
    busy += 1;
    try {
      result = await sendBatched({ deliveryId: d.deliveryId, attempt: d.attemptCount, ladderDelayMs, action, ...(probe ? { probe } : {}) }, scope);
    } catch (err) {
      const aborted = isCancellation(err);
      const error = aborted ? 'cancelled by operator' : `the attempt could not run: ${messageOf(err)}`;
      const outcome = aborted ? 'aborted' : ladderDelayMs === null ? 'failed' : 'retry';
      result = { outcome, statusCode: null, durationMs: 0, error, at, nextDelayMs: ladderDelayMs };
      if (!aborted) {
        const nextAttemptAt = ladderDelayMs === null ? null : new Date(Date.now() + ladderDelayMs).toISOString();
        await mirrorStatus({
          deliveryId: d.deliveryId, status: ladderDelayMs === null ? 'failed' : 'retrying', nextAttemptAt,
          attempt: { number: d.attemptCount, at, error, outcome },
        }).catch((failure) => log.error('could not record a failed attempt in Postgres', { deliveryId: d.deliveryId, error: messageOf(failure) }));
      }
    } finally {
      busy -= 1;
      inFlight.delete(d.deliveryId);
    }
    if (result.outcome === 'held' || result.outcome === 'superseded') {
      d.attemptCount -= 1; // nothing was sent: no attempt counted, no ladder step burnt
      return result;
    }
    const outcome = result.outcome;
    d.attempts = [
      ...d.attempts,
      { number: d.attemptCount, at, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error, outcome },
    ].slice(-RECENT_ATTEMPTS);
    d.lastError = result.outcome === 'success' ? null : result.error ?? (result.statusCode ? `HTTP ${result.statusCode}` : null);
    return result;
  };

  const run = async (d: DeliveryState): Promise<void> => {
    let attemptDue = d.status === 'pending' || d.status === 'delivering' || d.status === 'queued';
    for (;;) {
      if (d.pending.process) return close(d, 'processed');
      if (d.pending.cancel) return close(d, 'cancelled');
      if (attemptDue || d.pending.resync) {
        const trigger = d.pending.resync ? d.actions.filter((a) => a.kind === 'resync').at(-1) : undefined;
        if (d.pending.resync && d.status === 'failed') d.ladderPosition = 0;
        d.pending.resync = false;
        attemptDue = false;
        const probe = d.wake?.probe ?? false;
        d.wake = null;
        const result = await attempt(d, trigger, probe);
        await wakeAll(result.wake);
        if (result.outcome === 'success') return setStatus(d, 'delivered', null);
        if (result.outcome === 'cancelled') return setStatus(d, 'cancelled', null);
        if (result.outcome === 'superseded') return setStatus(d, 'superseded', null);
        if (result.outcome === 'held') {
          // Queued: behind an open delivery of the same resource, paused, or over the rate limit. Nothing
          // was sent; it tries again when woken, when the rate allows, or on its own fallback re-check.
          const held = result.held!;
          d.heldChecks = (d.heldChecks ?? 0) + 1;
          // Spread by up to a quarter (the workflow's Math.random is replay-safe): deliveries held together do not
          // all re-check at one instant, and a re-check does not fall on the very instant of a breaker probe (both
          // count from the pause; the time-skipping test server lost a workflow task when they coincided).
          const fallback = Math.round(Math.min(HELD_RECHECK_MS * 2 ** Math.min(d.heldChecks - 1, 10), HELD_RECHECK_MAX_MS) * (1 + Math.random() / 4));
          const waitMs = held.retryInMs ?? fallback;
          setStatus(d, 'queued', held.retryInMs === null ? null : new Date(Date.now() + held.retryInMs).toISOString());
          d.waitingFor = held.waitingFor;
          await condition(() => wantsAttention(d) || !!d.wake, waitMs);
          attemptDue = true;
          continue;
        }
        d.heldChecks = 0;
        if (result.outcome === 'aborted') {
          // The operator's signal may reach this workflow just after the attempt it cut off.
          if (wantsAttention(d) || (await condition(() => wantsAttention(d), ABORTED_WAIT))) continue;
        }
        if ((result.outcome === 'retry' || result.outcome === 'aborted') && result.nextDelayMs !== null) {
          d.ladderPosition += 1;
          setStatus(d, 'retrying', new Date(Date.now() + result.nextDelayMs).toISOString());
        } else {
          setStatus(d, 'failed', null);
        }
        continue;
      }
      if (d.status === 'retrying' && d.nextAttemptAt) {
        const waitMs = Math.max(0, Date.parse(d.nextAttemptAt) - Date.now());
        if (!(await condition(() => wantsAttention(d), waitMs))) attemptDue = true;
      } else {
        await condition(() => wantsAttention(d));
      }
    }
  };

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const all = Promise.all(state.deliveries.filter((d) => !isClosed(d)).map(run)).then(() => 'done' as const);
  const tooLong = condition(() => busy === 0 && workflowInfo().historyLength > historyLimit).then(() => 'continue' as const);
  const ending = await Promise.race([all, tooLong]);
  publisher.flush();
  if (ending === 'continue') {
    await continueAsNew<typeof event>({ ...input, deliveries: [], carried: state });
  }
  return state;
}

