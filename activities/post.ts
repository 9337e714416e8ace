// The send activity's post stage: one attempt of one delivery. Renders the request, POSTs it through the
// guarded dispatcher (the single door for outbound HTTP), and asks the delivery rules
// (src/domain/delivery/transition.ts) what it leads to. Anything that stops the request from being built is
// a failed attempt with its reason, never a throw. Writes nothing: record.ts does.
import { Context } from '@temporalio/activity';
import type { DeliveryContext } from '../src/infra/db/deliveryLog';
import { DeliveryNotFound } from '../src/infra/db/deliveryLog';
import { classify, transition, type Transition, type Verdict } from '../src/domain/delivery/transition';
import type { Format, RenderedRequest } from '../src/domain/formats/format';
import { getFormat } from '../src/domain/formats/registry';
import { postOnce, type AttemptResult, type ErrorKind } from '../src/infra/http/dispatcher';
import { redactHeaders } from '../src/domain/subscriptions/headerRedaction';
import { attemptDuration, attemptsTotal, deliveriesFinished } from '../src/infra/observability/metrics';
import type { SendAttemptInput, SendAttemptResult } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import type { Loaded } from './gate';
import { type AttemptRecord, type StatusUpdate } from '../src/infra/db/deliveryStatus';

/** What one attempt leads to: its result for the workflow, and what to write (nothing when its rows are gone). */
export interface AttemptEnd {
  result: SendAttemptResult;
  /** A Retry-After the receiver sent (429/503 hold the whole subscription back that long). */
  retryAfterMs: number | null;
  write: { attempt: AttemptRecord; update: StatusUpdate } | null;
  cancelled: boolean;
  goneSubscription: string | null;
}

/** A request that was built (or why none was), for one loaded delivery. */
interface Prepared {
  ctx: DeliveryContext | null;
  request: RenderedRequest | null;
  failure: AttemptResult | null;
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
function prepare(input: SendAttemptInput, loaded: Loaded, startedAt: Date): Prepared {
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

/** The POST itself, cut off by an operator's abort. */
async function post(deps: ActivityDeps, input: SendAttemptInput, ctx: DeliveryContext, request: RenderedRequest): Promise<AttemptResult> {
  const abort = abortSignalFor(deps, input.deliveryId);
  try {
    return await postOnce({
      url: ctx.url,
      headers: request.headers,
      body: request.body,
      timeoutMs: deps.attemptTimeoutMs,
      connectTimeoutMs: deps.connectTimeoutMs,
      allow: deps.allow,
      signal: abort.signal,
    });
  } finally {
    abort.release();
  }
}

/** The attempt's verdict (an operator's abort, else the receiver's answer) and where the delivery rules say it leaves the delivery. */
function judged(input: SendAttemptInput, result: AttemptResult): Transition & { verdict: Verdict } {
  const verdict: Verdict = result.error?.kind === 'aborted' ? { outcome: 'aborted', retryAfterMs: null } : classify(result, Date.now());
  // A delivery whose rows are gone can never be sent: it fails at once instead of walking its ladder.
  const ladderDelayMs = result.error?.kind === 'missing' ? null : input.ladderDelayMs;
  return { ...transition({ ladderDelayMs }, verdict), verdict };
}

/** One attempt of one delivery: rendered, posted, decided. A disabled or deleted subscription cancels it unsent. */
export async function attemptOne(deps: ActivityDeps, input: SendAttemptInput, loaded: Loaded, startedAt: Date): Promise<AttemptEnd> {
  const { ctx, request, failure } = prepare(input, loaded, startedAt);
  if (ctx && !ctx.active) return cancelledUnsent(startedAt);
  const format = ctx ? getFormat(ctx.subscription.format) : null;
  const result = failure ?? (await post(deps, input, ctx!, request!));
  const decided = judged(input, result);
  const { outcome, nextDelayMs } = decided;
  const error = result.error ? `${result.error.kind}: ${result.error.message}` : null;
  const lastError = outcome === 'success' ? null : error ?? `HTTP ${result.statusCode}`;
  observe(deps, { input, ctx, format, result, decided, error });
  const missing = result.error?.kind === 'missing';
  return {
    result: { outcome, statusCode: result.statusCode, durationMs: Math.round(result.durationMs), error: lastError, at: startedAt.toISOString(), nextDelayMs },
    write: missing ? null : {
      attempt: attemptRecord(input, { ctx, request, format }, result, outcome, startedAt),
      update: { status: decided.status, nextAttemptAt: nextDelayMs === null ? null : new Date(Date.now() + nextDelayMs), lastError, action: input.action },
    },
    cancelled: false,
    retryAfterMs: decided.verdict.retryAfterMs,
    goneSubscription: outcome === 'gone' && ctx ? ctx.subscription.id : null,
  };
}

function cancelledUnsent(startedAt: Date): AttemptEnd {
  return {
    result: { outcome: 'cancelled', statusCode: null, durationMs: 0, error: 'subscription disabled or deleted', at: startedAt.toISOString(), nextDelayMs: null },
    write: null, cancelled: true, goneSubscription: null, retryAfterMs: null,
  };
}

/** Metrics and the attempt's log line. */
function observe(deps: ActivityDeps, a: {
  input: SendAttemptInput; ctx: DeliveryContext | null; format: Format | null; result: AttemptResult; decided: Transition; error: string | null;
}): void {
  const { outcome, status, nextDelayMs } = a.decided;
  const formatName = a.format?.name ?? 'unknown';
  attemptsTotal.inc({ format: formatName, outcome });
  attemptDuration.observe({ format: formatName }, a.result.durationMs / 1000);
  if (status !== 'retrying') deliveriesFinished.inc({ status });
  const logged = {
    deliveryId: a.input.deliveryId, subscriptionId: a.ctx?.subscription.id, attempt: a.input.attempt, statusCode: a.result.statusCode,
    durationMs: Math.round(a.result.durationMs), outcome, error: a.error, nextDelayMs,
  };
  if (outcome === 'success') deps.log.debug(logged, 'delivery attempt');
  else if (a.result.error?.kind === 'missing') deps.log.error(logged, 'delivery cannot be attempted: its rows are gone');
  else deps.log.info(logged, 'delivery attempt');
}

/** The attempt as the delivery log keeps it. Extra headers are sealed at rest: the log keeps their names, never their values (issue 20). */
function attemptRecord(
  input: SendAttemptInput, sent: { ctx: DeliveryContext | null; request: RenderedRequest | null; format: Format | null },
  result: AttemptResult, outcome: Transition['outcome'], startedAt: Date,
): AttemptRecord {
  const { ctx, request, format } = sent;
  const secretHeaders = format && ctx ? [...format.secretHeaders, ...Object.keys(ctx.subscription.headers).map((n) => n.toLowerCase())] : [];
  return {
    deliveryId: input.deliveryId,
    number: input.attempt,
    startedAt,
    durationMs: result.durationMs,
    url: ctx?.url ?? '',
    requestHeaders: request && format && ctx ? redactHeaders(request.headers, secretHeaders) : {},
    // personal data at rest: the bodies are sealed under the event's data key (issue 23)
    requestBody: request && ctx ? ctx.seal(request.body.toString('utf8')) : '',
    statusCode: result.statusCode,
    responseHeaders: result.responseHeaders,
    responseBody: result.responseBody !== null && ctx ? ctx.seal(result.responseBody) : result.responseBody,
    responseTruncated: result.responseTruncated,
    errorKind: result.error?.kind ?? null,
    errorMessage: result.error?.message ?? null,
    outcome,
  };
}
