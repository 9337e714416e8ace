// The signed-POST activity: the attempts of one or more deliveries of an event that are due together,
// run as one local activity of the event workflow. Loads their subscriptions (secrets included) in one
// query at send time, renders, POSTs through the guarded dispatcher (concurrently) and records every
// attempt and the status it leads to in one Postgres statement.
// Anything that stops the request from being built is a failed attempt with its reason, never a throw;
// only infrastructure errors (Postgres unreachable) throw, for the workflow's bounded local retry.
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { SecretBox } from '../src/crypto/secretBox';
import type { AbortChannel } from '../src/db/abortChannel';
import {
  DeliveryNotFound,
  disableSubscription,
  loadDeliveryContexts,
  recordAttempts,
  writeDeliveryStatus,
  type AttemptRecord,
  type DeliveryContext,
  type StatusUpdate,
} from '../src/db/deliveryLog';
import type { RenderedRequest } from '../src/formats/format';
import { getFormat } from '../src/formats/registry';
import { classify, postOnce, type AttemptResult, type ErrorKind } from '../src/http/dispatcher';
import { redactHeaders } from '../src/http/headerRedaction';
import type { Cidr } from '../src/http/ssrfGuard';
import type { Logger } from '../src/log';
import { attemptDuration, attemptsTotal, deliveriesFinished } from '../src/metrics';
import {
  CLOSED_STATUSES,
  WAITING_FOR_PAUSE,
  WAITING_FOR_RATE,
  type AttemptOutcome,
  type DeliveryStatus,
  type SendAttemptInput,
  type SendAttemptResult,
  type StatusChange,
  type WakeTarget,
} from '../workflows/definitions';
import { acquireSlots, releaseSlots, resetStreakOnProcessed, tallyAttempts, type AttemptTally } from '../src/db/flowControl';
import { goneSinceHeld, holdDeliveries, successorsOf, supersedeDeliveries } from '../src/db/ordering';
import { ensureBreaker, signalResumed } from './breaker';

export interface ActivityDeps {
  pool: Pool;
  box: SecretBox;
  allow: Cidr[];
  attemptTimeoutMs: number;
  connectTimeoutMs: number;
  log: Logger;
  /** Operator aborts published through Postgres (cuts an in-flight attempt off within a second). */
  aborts?: AbortChannel;
  /** Where the circuit breaker tells an admin a subscription paused, resumed or was disabled (HRHOOKS_ADMIN_WEBHOOK_URL). */
  adminWebhookUrl?: string;
  /** The breaker's probe schedule and how long a subscription may stay paused (tests shorten them). */
  breaker?: { probeScheduleMs?: number[]; disableAfterMs?: number };
  /** Off only on the time-skipping test server, which has no custom search attributes. */
  searchAttributes?: boolean;
}

/** The attempt's outcome, the delivery status it leads to and the delay before the next attempt: decided once, here. */
export function decide(
  classified: 'success' | 'retry' | 'gone' | 'aborted',
  ladderDelayMs: number | null,
  retryAfterMs: number | null,
): { outcome: AttemptOutcome; status: DeliveryStatus; nextDelayMs: number | null } {
  if (classified === 'success') return { outcome: 'success', status: 'delivered', nextDelayMs: null };
  if (classified === 'gone') return { outcome: 'gone', status: 'failed', nextDelayMs: null };
  if (ladderDelayMs === null) return { outcome: classified === 'aborted' ? 'aborted' : 'failed', status: 'failed', nextDelayMs: null };
  const nextDelayMs = Math.max(ladderDelayMs, retryAfterMs ?? 0);
  return { outcome: classified === 'aborted' ? 'aborted' : 'retry', status: 'retrying', nextDelayMs };
}

/** The operator-abort signal of this attempt: Temporal's cancellation and the Postgres abort channel, whichever comes first. */
function abortSignalFor(deps: ActivityDeps, deliveryId: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const cancelled = (() => {
    try {
      return Context.current().cancellationSignal;
    } catch {
      return null; // called outside an activity (unit use)
    }
  })();
  const abort = () => controller.abort();
  cancelled?.addEventListener('abort', abort, { once: true });
  const unwatch = deps.aborts?.watch(deliveryId, abort);
  return {
    signal: controller.signal,
    release() {
      cancelled?.removeEventListener('abort', abort);
      unwatch?.();
    },
  };
}

function buildFailure(kind: ErrorKind, message: string): AttemptResult {
  return {
    statusCode: null, responseHeaders: null, responseBody: null, responseTruncated: false, durationMs: 0,
    error: { kind, message },
  };
}

/** Renders the request from a loaded context; what goes wrong here is the attempt's error, not an exception. */
function prepare(
  input: SendAttemptInput,
  loaded: DeliveryContext | Error,
  startedAt: Date,
): { ctx: DeliveryContext | null; request: RenderedRequest | null; failure: AttemptResult | null } {
  if (loaded instanceof DeliveryNotFound) return { ctx: null, request: null, failure: buildFailure('missing', loaded.message) };
  if (loaded instanceof Error) return { ctx: null, request: null, failure: buildFailure('render', `the delivery's rows cannot be read: ${loaded.message}`) };
  const ctx = loaded;
  if (!ctx.active) return { ctx, request: null, failure: null };
  if (ctx.openError) return { ctx, request: null, failure: buildFailure('secret', ctx.openError) };
  try {
    const request = getFormat(ctx.subscription.format).render({
      event: ctx.event,
      deliveryId: input.deliveryId,
      attempt: input.attempt,
      now: startedAt,
      subscription: ctx.subscription,
    });
    return { ctx, request, failure: null };
  } catch (err) {
    return { ctx, request: null, failure: buildFailure('render', `the request could not be built: ${(err as Error).message}`) };
  }
}

/** What one attempt leads to: its result for the workflow, and what to write (nothing when its rows are gone). */
interface AttemptEnd {
  result: SendAttemptResult;
  /** A Retry-After the receiver sent (429/503 hold the whole subscription back that long). */
  retryAfterMs: number | null;
  write: { attempt: AttemptRecord; update: StatusUpdate } | null;
  cancelled: boolean;
  goneSubscription: string | null;
}

async function attemptOne(deps: ActivityDeps, input: SendAttemptInput, loaded: DeliveryContext | Error, startedAt: Date): Promise<AttemptEnd> {
  const { ctx, request, failure } = prepare(input, loaded, startedAt);
  if (ctx && !ctx.active) {
    return {
      result: { outcome: 'cancelled', statusCode: null, durationMs: 0, error: 'subscription disabled or deleted', at: startedAt.toISOString(), nextDelayMs: null },
      write: null, cancelled: true, goneSubscription: null, retryAfterMs: null,
    };
  }
  const format = ctx ? getFormat(ctx.subscription.format) : null;
  let result: AttemptResult;
  if (failure) {
    result = failure;
  } else {
    const abort = abortSignalFor(deps, input.deliveryId);
    try {
      result = await postOnce({
        url: ctx!.url,
        headers: request!.headers,
        body: request!.body,
        timeoutMs: deps.attemptTimeoutMs,
        connectTimeoutMs: deps.connectTimeoutMs,
        allow: deps.allow,
        signal: abort.signal,
      });
    } finally {
      abort.release();
    }
  }
  const classified = result.error?.kind === 'aborted' ? { outcome: 'aborted' as const, retryAfterMs: null } : classify(result, Date.now());
  // A delivery whose rows are gone can never be sent: it fails at once instead of walking its ladder.
  const ladderDelayMs = result.error?.kind === 'missing' ? null : input.ladderDelayMs;
  const { outcome, status, nextDelayMs } = decide(classified.outcome, ladderDelayMs, classified.retryAfterMs);
  const error = result.error ? `${result.error.kind}: ${result.error.message}` : null;
  const lastError = outcome === 'success' ? null : error ?? `HTTP ${result.statusCode}`;
  const formatName = format?.name ?? 'unknown';
  attemptsTotal.inc({ format: formatName, outcome });
  attemptDuration.observe({ format: formatName }, result.durationMs / 1000);
  if (status !== 'retrying') deliveriesFinished.inc({ status });
  const logged = {
    deliveryId: input.deliveryId, subscriptionId: ctx?.subscription.id, attempt: input.attempt, statusCode: result.statusCode,
    durationMs: Math.round(result.durationMs), outcome, error, nextDelayMs,
  };
  if (outcome === 'success') deps.log.debug(logged, 'delivery attempt');
  else if (result.error?.kind === 'missing') deps.log.error(logged, 'delivery cannot be attempted: its rows are gone');
  else deps.log.info(logged, 'delivery attempt');
  return {
    result: { outcome, statusCode: result.statusCode, durationMs: Math.round(result.durationMs), error: lastError, at: startedAt.toISOString(), nextDelayMs },
    write: result.error?.kind === 'missing' ? null : {
      attempt: {
        deliveryId: input.deliveryId,
        number: input.attempt,
        startedAt,
        durationMs: result.durationMs,
        url: ctx?.url ?? '',
        // Extra headers are sealed at rest: the log keeps their names, never their values (issue 20).
        requestHeaders: request && format && ctx ? redactHeaders(request.headers, [...format.secretHeaders, ...Object.keys(ctx.subscription.headers).map((n) => n.toLowerCase())]) : {},
        requestBody: request ? request.body.toString('utf8') : '',
        statusCode: result.statusCode,
        responseHeaders: result.responseHeaders,
        responseBody: result.responseBody,
        responseTruncated: result.responseTruncated,
        errorKind: result.error?.kind ?? null,
        errorMessage: result.error?.message ?? null,
        outcome,
      },
      update: { status, nextAttemptAt: nextDelayMs === null ? null : new Date(Date.now() + nextDelayMs), lastError, action: input.action },
    },
    cancelled: false,
    retryAfterMs: classified.retryAfterMs,
    goneSubscription: outcome === 'gone' && ctx ? ctx.subscription.id : null,
  };
}

const WRITE_WINDOW_MS = 5;

/**
 * Writes attempts as they end, those ending within a few milliseconds of each other in one statement:
 * a slow receiver never holds back the record of the fast ones. done() rejects if any write failed.
 */
function attemptWriter(pool: Pool) {
  let pending: Array<{ attempt: AttemptRecord; update: StatusUpdate }> = [];
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
    add(row: { attempt: AttemptRecord; update: StatusUpdate }) {
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

/** A wait for the rate limit up to this long happens inside the activity; a longer one queues the delivery on a timer. */
const INLINE_WAIT_MS = 3_000;

/** A context that can be sent: loaded, subscription active, secrets open (anything else fails or cancels without a request). */
const sendable = (ctx: DeliveryContext | Error): ctx is DeliveryContext => !(ctx instanceof Error) && ctx.active && !ctx.openError;

type Gate =
  | { kind: 'send'; ctx: DeliveryContext | Error }
  | { kind: 'held'; waitingFor: string; retryInMs: number | null }
  | { kind: 'superseded'; by: string };

/**
 * Who may go now: a delivery behind an open one of its resource is held (ordering), a superseded update
 * closes unsent (collapse), then the subscription's limits and breaker (Postgres, across every worker)
 * decide; short rate waits are slept here, longer ones and a paused subscription hold the delivery.
 */
async function gate(deps: ActivityDeps, inputs: SendAttemptInput[], contexts: Map<string, DeliveryContext | Error>): Promise<Gate[]> {
  const gates: Gate[] = inputs.map((input) => {
    const ctx = contexts.get(input.deliveryId)!;
    if (!sendable(ctx)) return { kind: 'send', ctx };
    if (ctx.supersededBy) return { kind: 'superseded', by: ctx.supersededBy };
    if (ctx.ahead) return { kind: 'held', waitingFor: ctx.ahead, retryInMs: null };
    return { kind: 'send', ctx };
  });
  let asking = gates.flatMap((g, i) => (g.kind === 'send' && sendable(g.ctx) ? [i] : []));
  const deadline = Date.now() + INLINE_WAIT_MS;
  while (asking.length > 0) {
    const answers = await acquireSlots(deps.pool, asking.map((i) => {
      const ctx = contexts.get(inputs[i]!.deliveryId) as DeliveryContext;
      return { subscriptionId: ctx.subscription.id, deliveryId: inputs[i]!.deliveryId, limits: ctx.limits, probe: inputs[i]!.probe === true };
    }));
    const again: number[] = [];
    let sleepMs = Infinity;
    answers.forEach((answer, k) => {
      const i = asking[k]!;
      if (answer.kind === 'paused') gates[i] = { kind: 'held', waitingFor: WAITING_FOR_PAUSE, retryInMs: null };
      else if (answer.kind === 'wait' && Date.now() + answer.waitMs > deadline) gates[i] = { kind: 'held', waitingFor: WAITING_FOR_RATE, retryInMs: Math.max(answer.waitMs, 100) };
      else if (answer.kind === 'wait') {
        again.push(i);
        sleepMs = Math.min(sleepMs, answer.waitMs);
      }
    });
    asking = again;
    if (asking.length > 0) await new Promise((r) => setTimeout(r, Math.max(sleepMs, 10)));
  }
  return gates;
}

/**
 * The attempts due together (one event's deliveries, or one delivery): one context query, the gate
 * (order, collapse, limits, breaker), the requests concurrently, one write for all. Throws only for
 * infrastructure errors (Postgres unreachable), which the workflow retries a bounded number of times.
 */
export async function sendAttempts(deps: ActivityDeps, inputs: SendAttemptInput[]): Promise<SendAttemptResult[]> {
  const startedAt = new Date();
  const contexts = await loadDeliveryContexts(deps.pool, deps.box, inputs.map((i) => i.deliveryId), startedAt);
  const gates = await gate(deps, inputs, contexts);
  const writer = attemptWriter(deps.pool);
  const granted: string[] = [];
  const ends = await Promise.all(
    inputs.map(async (input, i): Promise<AttemptEnd | null> => {
      const g = gates[i]!;
      if (g.kind !== 'send') return null;
      if (sendable(g.ctx)) granted.push(input.deliveryId);
      const end = await attemptOne(deps, input, g.ctx, startedAt);
      if (end.write) writer.add(end.write);
      return end;
    }),
  );
  try {
    await writer.done();
  } finally {
    const counts = breakerCounts(inputs, contexts, ends);
    await Promise.all([releaseSlots(deps.pool, granted, counts.quietSuccesses), breakerTally(deps, counts.tallies, inputs, contexts, gates)]);
  }
  const held = gates.flatMap((g, i) => (g.kind === 'held'
    ? [{ deliveryId: inputs[i]!.deliveryId, waitingFor: g.waitingFor, nextAttemptAt: g.retryInMs === null ? null : new Date(Date.now() + g.retryInMs) }]
    : []));
  const superseded = gates.flatMap((g, i) => (g.kind === 'superseded' ? [{ deliveryId: inputs[i]!.deliveryId, by: g.by }] : []));
  await holdDeliveries(deps.pool, held);
  await recheckHeld(deps, gates, contexts, inputs);
  await supersedeDeliveries(deps.pool, superseded);
  for (const [i, end] of ends.entries()) {
    if (end?.cancelled) {
      await writeDeliveryStatus(deps.pool, inputs[i]!.deliveryId, 'cancelled', null);
      deliveriesFinished.inc({ status: 'cancelled' });
    }
    if (end?.goneSubscription) {
      await disableSubscription(deps.pool, end.goneSubscription, `receiver answered 410 Gone to delivery ${inputs[i]!.deliveryId}`);
    }
  }
  // Whom the closes let go: only deliveries of ordered subscriptions have successors (no query otherwise).
  const closed = inputs.filter((input, i) => {
    const ctx = contexts.get(input.deliveryId);
    const outcome = ends[i]?.result.outcome;
    const ordered = !!ctx && !(ctx instanceof Error) && ctx.ordered;
    return ordered && (gates[i]!.kind === 'superseded' || outcome === 'success' || outcome === 'cancelled');
  }).map((input) => input.deliveryId);
  const wake = closed.length > 0 ? await successorsOf(deps.pool, closed) : new Map<string, WakeTarget[]>();
  if (superseded.length > 0) deliveriesFinished.inc({ status: 'superseded' }, superseded.length);
  return inputs.map((input, i): SendAttemptResult => {
    const g = gates[i]!;
    const at = startedAt.toISOString();
    const wakes = wake.get(input.deliveryId);
    if (g.kind === 'held') return { outcome: 'held', held: { waitingFor: g.waitingFor, retryInMs: g.retryInMs }, statusCode: null, durationMs: 0, error: null, at, nextDelayMs: null };
    if (g.kind === 'superseded') return { outcome: 'superseded', statusCode: null, durationMs: 0, error: null, at, nextDelayMs: null, ...(wakes ? { wake: wakes } : {}) };
    const result = ends[i]!.result;
    return wakes ? { ...result, wake: wakes } : result;
  });
}

/**
 * The other half of the wake handshake. A close wakes only a successor already marked `queued` (a signal to a
 * workflow that is not waiting could land while it completes and make it run its last attempts again), so a
 * delivery held here looks once more after its `queued` row is written: what it waited for may have gone in
 * between (the delivery ahead closed, the subscription resumed), and then it goes again at once.
 */
async function recheckHeld(deps: ActivityDeps, gates: Gate[], contexts: Map<string, DeliveryContext | Error>, inputs: SendAttemptInput[]): Promise<void> {
  const behind = gates.flatMap((g, i) => (g.kind === 'held' && g.waitingFor !== WAITING_FOR_PAUSE && g.waitingFor !== WAITING_FOR_RATE ? [i] : []));
  const paused = gates.flatMap((g, i) => (g.kind === 'held' && g.waitingFor === WAITING_FOR_PAUSE ? [i] : []));
  if (behind.length === 0 && paused.length === 0) return;
  const ahead = behind.map((i) => (gates[i] as { waitingFor: string }).waitingFor);
  const subs = paused.map((i) => (contexts.get(inputs[i]!.deliveryId) as DeliveryContext).subscription.id);
  const { closed, resumed } = await goneSinceHeld(deps.pool, ahead, subs);
  const goNow = (i: number) => void (gates[i] = { ...(gates[i] as Extract<Gate, { kind: 'held' }>), retryInMs: 0 });
  behind.forEach((i, k) => closed.has(ahead[k]!) && goNow(i));
  paused.forEach((i, k) => resumed.has(subs[k]!) && goNow(i));
}

const NOT_THE_RECEIVER = new Set<string>(['ssrf', 'invalid_url', 'secret', 'render', 'missing', 'aborted']);

/**
 * What the attempts tell the breaker. A failure, a Retry-After hold, or a success where this attempt's context
 * saw a count or a pause goes through the tally (in order, under the subscription's lock). A success that saw
 * nothing to reset is "quiet": it resets the count in the lease release's round trip instead of being skipped,
 * because other attempts of the subscription may have failed since its context was loaded (skipping it let a
 * burst of alternating failures and successes pause a healthy subscription).
 */
function breakerCounts(
  inputs: SendAttemptInput[], contexts: Map<string, DeliveryContext | Error>, ends: Array<AttemptEnd | null>,
): { tallies: AttemptTally[]; quietSuccesses: string[] } {
  const tallies: AttemptTally[] = [];
  const quietSuccesses: string[] = [];
  ends.forEach((end, i) => {
    const ctx = contexts.get(inputs[i]!.deliveryId);
    if (!end || !end.write || !ctx || ctx instanceof Error || end.result.outcome === 'aborted') return;
    // Only what the receiver did counts: a request that never left (our secret, render, address rules) says nothing of it.
    if (NOT_THE_RECEIVER.has(end.write.attempt.errorKind ?? '')) return;
    const code = end.result.statusCode;
    const holdMs = (code === 429 || code === 503) && end.retryAfterMs ? end.retryAfterMs : null;
    const success = end.result.outcome === 'success';
    if (success && holdMs === null && ctx.breaker.consecutiveFailures === 0 && !ctx.breaker.paused) quietSuccesses.push(ctx.subscription.id);
    else tallies.push({ subscriptionId: ctx.subscription.id, success, holdMs, pauseAfterFailures: ctx.limits.pauseAfterFailures });
  });
  return { tallies, quietSuccesses };
}

/**
 * The breaker's count: consecutive failed attempts per subscription (a success resets it). Reaching the
 * subscription's threshold pauses it and starts its breaker workflow; a success while paused (the probe)
 * resumes it. A paused answer makes sure the breaker runs (it may have been lost to a crash).
 */
async function breakerTally(
  deps: ActivityDeps, tallies: AttemptTally[], inputs: SendAttemptInput[], contexts: Map<string, DeliveryContext | Error>, gates: Gate[],
): Promise<void> {
  const { paused, resumed } = tallies.length > 0 ? await tallyAttempts(deps.pool, tallies) : { paused: [], resumed: [] };
  const pausedNow = new Set(paused);
  gates.forEach((g, i) => {
    const ctx = contexts.get(inputs[i]!.deliveryId);
    if (g.kind === 'held' && g.waitingFor === WAITING_FOR_PAUSE && ctx && !(ctx instanceof Error)) pausedNow.add(ctx.subscription.id);
  });
  for (const sub of pausedNow) await ensureBreaker(deps, sub);
  for (const sub of resumed) await signalResumed(deps, sub);
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
  if (change.status === 'processed') await resetStreakOnProcessed(deps.pool, [change.deliveryId]);
  if (!CLOSED_STATUSES.includes(change.status)) return [];
  return (await successorsOf(deps.pool, [change.deliveryId])).get(change.deliveryId) ?? [];
}
