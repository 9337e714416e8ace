// The signed-POST activity: one attempt of one delivery, run as a local activity of the event
// workflow. Loads the subscription (secrets included) at send time, renders, POSTs through the
// guarded dispatcher and records the attempt and the status it leads to in one Postgres statement.
// Anything that stops the request from being built is a failed attempt with its reason, never a throw;
// only infrastructure errors (Postgres unreachable) throw, for the workflow's bounded local retry.
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { SecretBox } from '../src/crypto/secretBox';
import type { AbortChannel } from '../src/db/abortChannel';
import {
  DeliveryNotFound,
  disableSubscription,
  loadDeliveryContext,
  recordAttempt,
  recordStatus,
  type DeliveryContext,
} from '../src/db/deliveryLog';
import type { RenderedRequest } from '../src/formats/format';
import { getFormat } from '../src/formats/registry';
import { classify, postOnce, type AttemptResult, type ErrorKind } from '../src/http/dispatcher';
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

const REDACTED = '[redacted]';
const SENSITIVE_HEADER = /authorization|signature|secret|token|api[-_]?key|password|cookie/i;

export function redactHeaders(headers: Record<string, string>, secretHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = secretHeaders.includes(name.toLowerCase()) || SENSITIVE_HEADER.test(name) ? REDACTED : value;
  }
  return out;
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

/** Loads and renders the request; what goes wrong here is the attempt's error, not an exception. */
async function prepare(
  deps: ActivityDeps,
  input: SendAttemptInput,
  startedAt: Date,
): Promise<{ ctx: DeliveryContext | null; request: RenderedRequest | null; failure: AttemptResult | null }> {
  let ctx: DeliveryContext | null = null;
  try {
    ctx = await loadDeliveryContext(deps.pool, deps.box, input.deliveryId, startedAt);
    if (!ctx.active) return { ctx, request: null, failure: null };
    if (ctx.openError) return { ctx, request: null, failure: buildFailure('secret', ctx.openError) };
    const request = getFormat(ctx.subscription.format).render({
      event: ctx.event,
      deliveryId: input.deliveryId,
      attempt: input.attempt,
      now: startedAt,
      subscription: ctx.subscription,
    });
    return { ctx, request, failure: null };
  } catch (err) {
    if (err instanceof DeliveryNotFound) return { ctx: null, request: null, failure: buildFailure('missing', err.message) };
    if (isInfrastructure(err)) throw err;
    return { ctx, request: null, failure: buildFailure('render', `the request could not be built: ${(err as Error).message}`) };
  }
}

/** Postgres unreachable or failing: worth the workflow's bounded local retry. */
function isInfrastructure(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|57P|08|53)/.test(code) || /Connection terminated|timeout exceeded when trying to connect/i.test((err as Error)?.message ?? '');
}

export async function sendAttempt(deps: ActivityDeps, input: SendAttemptInput): Promise<SendAttemptResult> {
  const startedAt = new Date();
  const { ctx, request, failure } = await prepare(deps, input, startedAt);
  if (ctx && !ctx.active) {
    await recordStatus(deps.pool, input.deliveryId, 'cancelled', null);
    deliveriesFinished.inc({ status: 'cancelled' });
    return { outcome: 'cancelled', statusCode: null, durationMs: 0, error: 'subscription disabled or deleted', at: startedAt.toISOString(), nextDelayMs: null };
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
  if (result.error?.kind === 'missing') {
    deps.log.error({ deliveryId: input.deliveryId, err: result.error.message }, 'delivery cannot be attempted: its rows are gone');
    return { outcome, statusCode: null, durationMs: 0, error: lastError, at: startedAt.toISOString(), nextDelayMs: null };
  }
  await recordAttempt(
    deps.pool,
    {
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
    { status, nextAttemptAt: nextDelayMs === null ? null : new Date(Date.now() + nextDelayMs), lastError, action: input.action },
  );
  if (outcome === 'gone' && ctx) {
    await disableSubscription(deps.pool, ctx.subscription.id, `receiver answered 410 Gone to delivery ${input.deliveryId}`);
  }
  const formatName = format?.name ?? 'unknown';
  attemptsTotal.inc({ format: formatName, outcome });
  attemptDuration.observe({ format: formatName }, result.durationMs / 1000);
  if (status !== 'retrying') deliveriesFinished.inc({ status });
  const logged = {
    deliveryId: input.deliveryId,
    subscriptionId: ctx?.subscription.id,
    attempt: input.attempt,
    statusCode: result.statusCode,
    durationMs: Math.round(result.durationMs),
    outcome,
    error,
    nextDelayMs,
  };
  if (outcome === 'success') deps.log.debug(logged, 'delivery attempt');
  else deps.log.info(logged, 'delivery attempt');
  return {
    outcome,
    statusCode: result.statusCode,
    durationMs: Math.round(result.durationMs),
    error: lastError,
    at: startedAt.toISOString(),
    nextDelayMs,
  };
}

export async function recordStatusChange(deps: ActivityDeps, change: StatusChange): Promise<void> {
  await recordStatus(
    deps.pool,
    change.deliveryId,
    change.status,
    change.nextAttemptAt ? new Date(change.nextAttemptAt) : null,
    change.action,
    change.attempt,
  );
  if (change.status !== 'retrying') deliveriesFinished.inc({ status: change.status });
}
