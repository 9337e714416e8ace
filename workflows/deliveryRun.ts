// One delivery's life inside the event workflow: attempts on its ladder of durable timers, held back while
// queued, closed by an operator's signal. Each wait is a named step; the status an attempt leads to is
// decided by src/domain/delivery/transition.ts, never here. Deterministic: no I/O here.
// Replay: every await below stands where it stood in the single `event` function this came from, so the
// same history issues the same commands in the same order (test/workflows/replay.test.ts).
import { CancellationScope, condition, getExternalWorkflowHandle, isCancellation, log, proxyLocalActivities } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import { isClosedStatus } from '../src/domain/delivery/status';
import { statusAfter, transition } from '../src/domain/delivery/transition';
import type { AttemptBatcher } from './attemptBatcher';
import {
  wakeSignal,
  type DeliverySpec,
  type DeliveryState,
  type DeliveryStatus,
  type OperatorAction,
  type PendingRequests,
  type ResyncRequest,
  type SendAttemptResult,
  type WakeTarget,
} from './definitions';
import type { SearchAttributePublisher } from './searchAttributePublisher';

const RECENT_ATTEMPTS = 20;
const RECENT_ACTIONS = 50;
/** How long an attempt cut off by an operator waits for that operator's signal before counting as failed. */
const ABORTED_WAIT = '1 minute';
/**
 * A queued delivery is woken by a signal (the delivery ahead closed, the subscription resumed); should that
 * signal be lost (the waking workflow terminated by hand), it checks again on its own: 5 min, doubling to 1 h,
 * each spread by up to +25 %.
 */
const HELD_RECHECK_MS = 5 * 60_000;
const HELD_RECHECK_MAX_MS = 60 * 60_000;

const { mirrorStatus } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/** What every delivery of the event shares: the attempt batcher, the search attributes, the local activities running. */
export interface EventCrew {
  batcher: AttemptBatcher;
  publisher: SearchAttributePublisher;
  /** Local activities and signals in flight: continue-as-new waits for none. */
  work: { busy: number };
}

export function newDelivery(spec: DeliverySpec): DeliveryState {
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

/**
 * Wakes the deliveries queued behind one that just closed. They always belong to other events (one event
 * has one delivery per subscription), so to other workflows.
 */
async function wakeAll(targets: WakeTarget[] | undefined, work: EventCrew['work']): Promise<void> {
  for (const t of targets ?? []) {
    work.busy += 1;
    try {
      await getExternalWorkflowHandle(t.workflowId).signal(wakeSignal, { deliveryId: t.deliveryId });
    } catch (err) {
      log.info('a delivery queued behind this one could not be woken (its workflow is not running yet)', { deliveryId: t.deliveryId, error: messageOf(err) });
    } finally {
      work.busy -= 1;
    }
  }
}

/** The fallback re-check of a queued delivery after `checks` checks: backing off, spread (the workflow's Math.random is replay-safe). */
function heldRecheckMs(checks: number): number {
  // Deliveries held together do not all re-check at one instant, and a re-check does not fall on the very instant
  // of a breaker probe (both count from the pause; the time-skipping test server lost a workflow task when they coincided).
  return Math.round(Math.min(HELD_RECHECK_MS * 2 ** Math.min(checks - 1, 10), HELD_RECHECK_MAX_MS) * (1 + Math.random() / 4));
}

const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

export class DeliveryRun {
  /** Made anew only after an operator cancelled it (a scope costs promises). */
  private scope: CancellationScope | undefined;
  /** An attempt is in flight: an operator's close cancels the scope. */
  private inFlight = false;

  constructor(readonly d: DeliveryState, private readonly crew: EventCrew) {}

  get closed(): boolean {
    return isClosedStatus(this.d.status);
  }

  private wantsAttention(): boolean {
    return this.d.pending.resync || !!this.d.pending.process || !!this.d.pending.cancel;
  }

  // --- operator signals, addressed to this delivery ---

  private remember(action: Omit<OperatorAction, 'at'>): void {
    this.d.actions = [...this.d.actions, { ...action, at: new Date().toISOString() }].slice(-RECENT_ACTIONS);
  }

  requestResync(req: ResyncRequest): void {
    this.remember({ kind: 'resync', by: req.by, note: req.note ?? null });
    if (!this.closed) this.d.pending.resync = true;
  }

  /** An operator close: remembered, then (on an open delivery) queued and its in-flight attempt cancelled. */
  requestClose(action: Omit<OperatorAction, 'at'>, queue: (pending: PendingRequests) => void): void {
    this.remember(action);
    if (this.closed) return;
    queue(this.d.pending);
    if (this.inFlight) this.scope?.cancel();
  }

  wake(probe: boolean): void {
    if (this.closed) return;
    this.d.wake = { probe: probe || !!this.d.wake?.probe };
  }

  // --- the delivery's life ---

  async run(): Promise<void> {
    const d = this.d;
    let attemptDue = d.status === 'pending' || d.status === 'delivering' || d.status === 'queued';
    for (;;) {
      if (d.pending.process) return this.close('processed');
      if (d.pending.cancel) return this.close('cancelled');
      if (attemptDue || d.pending.resync) {
        attemptDue = false;
        const result = await this.attempt(...this.takeTrigger());
        await wakeAll(result.wake, this.crew.work);
        const status = statusAfter(result.outcome, result.nextDelayMs);
        if (isClosedStatus(status)) return this.setStatus(status, null);
        if (status === 'queued') {
          await this.heldBack(result.held!);
          attemptDue = true;
          continue;
        }
        d.heldChecks = 0;
        // The operator's signal may reach this workflow just after the attempt it cut off.
        if (result.outcome === 'aborted' && (this.wantsAttention() || (await this.operatorAfterAbort()))) continue;
        if (status === 'retrying') d.ladderPosition += 1;
        this.setStatus(status, status === 'retrying' ? later(result.nextDelayMs!) : null);
        continue;
      }
      if (d.status === 'retrying' && d.nextAttemptAt) attemptDue = !(await this.nextAttemptOrOperator());
      else await this.operator();
    }
  }

  /** What asks for this attempt (a resync, a probe), cleared as it is taken; a resync of a failed delivery restarts its ladder. */
  private takeTrigger(): [OperatorAction | undefined, boolean] {
    const d = this.d;
    const trigger = d.pending.resync ? d.actions.filter((a) => a.kind === 'resync').at(-1) : undefined;
    if (d.pending.resync && d.status === 'failed') d.ladderPosition = 0;
    d.pending.resync = false;
    const probe = d.wake?.probe ?? false;
    d.wake = null;
    return [trigger, probe];
  }

  // --- named waits: each returns the condition itself (no extra await), true when woken early ---

  /** Queued: behind an open delivery of the same resource, paused, or over the rate limit. Nothing was sent. */
  private heldBack(held: NonNullable<SendAttemptResult['held']>): Promise<boolean> {
    const d = this.d;
    d.heldChecks = (d.heldChecks ?? 0) + 1;
    const fallback = heldRecheckMs(d.heldChecks);
    this.setStatus('queued', held.retryInMs === null ? null : later(held.retryInMs));
    d.waitingFor = held.waitingFor;
    return condition(() => this.wantsAttention() || !!d.wake, held.retryInMs ?? fallback);
  }

  private operatorAfterAbort(): Promise<boolean> {
    return condition(() => this.wantsAttention(), ABORTED_WAIT);
  }

  private nextAttemptOrOperator(): Promise<boolean> {
    return condition(() => this.wantsAttention(), Math.max(0, Date.parse(this.d.nextAttemptAt!) - Date.now()));
  }

  private operator(): Promise<void> {
    return condition(() => this.wantsAttention());
  }

  // --- steps ---

  private setStatus(status: DeliveryStatus, nextAttemptAt: string | null): void {
    this.d.status = status;
    this.d.nextAttemptAt = nextAttemptAt;
    if (status !== 'queued') this.d.waitingFor = null;
    this.crew.publisher.statusSet(this.d.deliveryId);
  }

  private async close(status: 'processed' | 'cancelled'): Promise<void> {
    const d = this.d;
    this.setStatus(status, null);
    const action = d.actions.filter((a) => a.kind === (status === 'processed' ? 'markProcessed' : 'cancel')).at(-1);
    this.crew.work.busy += 1;
    try {
      await wakeAll(await mirrorStatus({ deliveryId: d.deliveryId, status, nextAttemptAt: null, action }), this.crew.work);
    } catch (err) {
      log.error('could not mirror a closed delivery in Postgres', { deliveryId: d.deliveryId, error: messageOf(err) });
    } finally {
      this.crew.work.busy -= 1;
    }
  }

  /** Runs one attempt; an attempt that cannot run at all (activity exhausted) is a failed attempt too. */
  private async attempt(action: OperatorAction | undefined, probe: boolean): Promise<SendAttemptResult> {
    const d = this.d;
    d.attemptCount += 1;
    this.crew.publisher.holdStatus(d.deliveryId, d.status);
    d.status = 'delivering';
    d.nextAttemptAt = null;
    const at = new Date().toISOString();
    const ladderDelayMs = d.ladderMs[d.ladderPosition] ?? null;
    if (!this.scope || this.scope.consideredCancelled) this.scope = new CancellationScope();
    this.inFlight = true;
    let result: SendAttemptResult;
    this.crew.work.busy += 1;
    try {
      result = await this.crew.batcher.send({ deliveryId: d.deliveryId, attempt: d.attemptCount, ladderDelayMs, action, ...(probe ? { probe } : {}) }, this.scope);
    } catch (err) {
      result = this.unrunnable(err, at, ladderDelayMs);
      if (result.outcome !== 'aborted') await this.recordUnrunnable(result);
    } finally {
      this.crew.work.busy -= 1;
      this.inFlight = false;
    }
    return this.counted(result, at);
  }

  /** The result of an attempt the activity never answered: cut off by an operator, or it could not run. */
  private unrunnable(err: unknown, at: string, ladderDelayMs: number | null): SendAttemptResult {
    const aborted = isCancellation(err);
    const error = aborted ? 'cancelled by operator' : `the attempt could not run: ${messageOf(err)}`;
    const { outcome, nextDelayMs } = transition({ ladderDelayMs }, { outcome: aborted ? 'aborted' : 'retry', retryAfterMs: null });
    return { outcome, statusCode: null, durationMs: 0, error, at, nextDelayMs };
  }

  /** Records in Postgres the attempt the activity could not record itself. */
  private recordUnrunnable(result: SendAttemptResult): Promise<unknown> {
    const d = this.d;
    const outcome = result.outcome as 'retry' | 'failed';
    return mirrorStatus({
      deliveryId: d.deliveryId, status: statusAfter(outcome, result.nextDelayMs), nextAttemptAt: result.nextDelayMs === null ? null : later(result.nextDelayMs),
      attempt: { number: d.attemptCount, at: result.at, error: result.error!, outcome },
    }).catch((failure) => log.error('could not record a failed attempt in Postgres', { deliveryId: d.deliveryId, error: messageOf(failure) }));
  }

  /** Keeps the attempt in the delivery's recent history; held or superseded, nothing was sent: no attempt, no ladder step burnt. */
  private counted(result: SendAttemptResult, at: string): SendAttemptResult {
    const d = this.d;
    if (result.outcome === 'held' || result.outcome === 'superseded') {
      d.attemptCount -= 1;
      return result;
    }
    const outcome = result.outcome;
    d.attempts = [
      ...d.attempts,
      { number: d.attemptCount, at, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error, outcome },
    ].slice(-RECENT_ATTEMPTS);
    d.lastError = result.outcome === 'success' ? null : result.error ?? (result.statusCode ? `HTTP ${result.statusCode}` : null);
    return result;
  }
}
