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
import type {
  AttemptOutcome,
  DeliveryStatus,
  SendAttemptInput,
  SendAttemptResult,
  StatusChange,
} from '../workflows/definitions';

export interface ActivityDeps {
  pool: Pool;
  box: SecretBox;
  allow: Cidr[];
  attemptTimeoutMs: number;
  connectTimeoutMs: number;
  log: Logger;
  /** Operator aborts published through Postgres (cuts an in-flight attempt off within a second). */
  aborts?: AbortChannel;
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
  write: { attempt: AttemptRecord; update: StatusUpdate } | null;
  cancelled: boolean;
  goneSubscription: string | null;
}

async function attemptOne(deps: ActivityDeps, input: SendAttemptInput, loaded: DeliveryContext | Error, startedAt: Date): Promise<AttemptEnd> {
  const { ctx, request, failure } = prepare(input, loaded, startedAt);
  if (ctx && !ctx.active) {
    return {
      result: { outcome: 'cancelled', statusCode: null, durationMs: 0, error: 'subscription disabled or deleted', at: startedAt.toISOString(), nextDelayMs: null },
      write: null, cancelled: true, goneSubscription: null,
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
        requestHeaders: request && format ? redactHeaders(request.headers, format.secretHeaders) : {},
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

/**
 * The attempts due together (one event's deliveries, or one delivery): one context query, the requests
 * concurrently, one write for all. Throws only for infrastructure errors (Postgres unreachable), which
 * the workflow retries a bounded number of times.
 */
export async function sendAttempts(deps: ActivityDeps, inputs: SendAttemptInput[]): Promise<SendAttemptResult[]> {
  const startedAt = new Date();
  const contexts = await loadDeliveryContexts(deps.pool, deps.box, inputs.map((i) => i.deliveryId), startedAt);
  const writer = attemptWriter(deps.pool);
  const ends = await Promise.all(
    inputs.map(async (input) => {
      const end = await attemptOne(deps, input, contexts.get(input.deliveryId)!, startedAt);
      if (end.write) writer.add(end.write);
      return end;
    }),
  );
  await writer.done();
  for (const [i, end] of ends.entries()) {
    if (end.cancelled) {
      await writeDeliveryStatus(deps.pool, inputs[i]!.deliveryId, 'cancelled', null);
      deliveriesFinished.inc({ status: 'cancelled' });
    }
    if (end.goneSubscription) {
      await disableSubscription(deps.pool, end.goneSubscription, `receiver answered 410 Gone to delivery ${inputs[i]!.deliveryId}`);
    }
  }
  return ends.map((e) => e.result);
}

/** Mirrors in Postgres a status the workflow decided (an operator's close, an attempt that could not run). */
export async function mirrorStatus(deps: ActivityDeps, change: StatusChange): Promise<void> {
  await writeDeliveryStatus(
    deps.pool,
    change.deliveryId,
    change.status,
    change.nextAttemptAt ? new Date(change.nextAttemptAt) : null,
    change.action,
    change.attempt,
  );
  if (change.status !== 'retrying') deliveriesFinished.inc({ status: change.status });
}
