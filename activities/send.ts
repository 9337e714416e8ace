// The signed-POST activity: one attempt of one delivery. Loads the subscription
// (secrets included) at send time, renders, POSTs through the guarded
// dispatcher, records the attempt in Postgres and returns a small, secret-free result.
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { SecretBox } from '../src/crypto/secretBox';
import {
  disableSubscription,
  loadDeliveryContext,
  markDelivering,
  recordAttempt,
  recordStatus,
} from '../src/db/deliveryLog';
import type { RenderedRequest } from '../src/formats/format';
import { getFormat } from '../src/formats/registry';
import { classify, postOnce } from '../src/http/dispatcher';
import type { Cidr } from '../src/http/ssrfGuard';
import type { Logger } from '../src/log';
import { attemptDuration, attemptsTotal, deliveriesFinished } from '../src/metrics';
import type {
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

function heartbeatWhile<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    Context.current().heartbeat();
    timer = setInterval(() => Context.current().heartbeat(), 2_000);
  } catch {
    // called outside an activity (unit use): nothing to heartbeat
  }
  return work.finally(() => clearInterval(timer));
}

function statusAfter(outcome: 'success' | 'retry' | 'gone', nextDelayMs: number | null): DeliveryStatus {
  if (outcome === 'success') return 'delivered';
  if (outcome === 'retry' && nextDelayMs !== null) return 'retrying';
  return 'failed';
}

export async function sendAttempt(deps: ActivityDeps, input: SendAttemptInput): Promise<SendAttemptResult> {
  const startedAt = new Date();
  const ctx = await loadDeliveryContext(deps.pool, deps.box, input.deliveryId, startedAt);
  if (!ctx.active) {
    await recordStatus(deps.pool, input.deliveryId, 'cancelled', null);
    deliveriesFinished.inc({ status: 'cancelled' });
    return { outcome: 'cancelled', statusCode: null, durationMs: 0, error: 'subscription disabled or deleted', at: startedAt.toISOString(), nextDelayMs: null };
  }
  await markDelivering(deps.pool, input.deliveryId, input.attempt, input.action);
  const format = getFormat(ctx.subscription.format);
  const request: RenderedRequest = format.render({
    event: ctx.event,
    deliveryId: input.deliveryId,
    attempt: input.attempt,
    now: startedAt,
    subscription: ctx.subscription,
  });
  const result = await heartbeatWhile(
    postOnce({
      url: ctx.url,
      headers: request.headers,
      body: request.body,
      timeoutMs: deps.attemptTimeoutMs,
      connectTimeoutMs: deps.connectTimeoutMs,
      allow: deps.allow,
    }),
  );
  const { outcome, retryAfterMs } = classify(result, Date.now());
  const nextDelayMs =
    outcome === 'retry' && input.ladderDelayMs !== null ? Math.max(input.ladderDelayMs, retryAfterMs ?? 0) : null;
  const status = statusAfter(outcome, nextDelayMs);
  const error = result.error ? `${result.error.kind}: ${result.error.message}` : null;
  const lastError = outcome === 'success' ? null : error ?? `HTTP ${result.statusCode}`;
  await recordAttempt(
    deps.pool,
    {
      deliveryId: input.deliveryId,
      number: input.attempt,
      startedAt,
      durationMs: result.durationMs,
      url: ctx.url,
      requestHeaders: redactHeaders(request.headers, format.secretHeaders),
      requestBody: request.body.toString('utf8'),
      statusCode: result.statusCode,
      responseHeaders: result.responseHeaders,
      responseBody: result.responseBody,
      responseTruncated: result.responseTruncated,
      errorKind: result.error?.kind ?? null,
      errorMessage: result.error?.message ?? null,
      outcome,
    },
    { status, nextAttemptAt: nextDelayMs === null ? null : new Date(Date.now() + nextDelayMs), lastError },
  );
  if (outcome === 'gone') {
    await disableSubscription(deps.pool, ctx.subscription.id, `receiver answered 410 Gone to delivery ${input.deliveryId}`);
  }
  attemptsTotal.inc({ format: format.name, outcome });
  attemptDuration.observe({ format: format.name }, result.durationMs / 1000);
  if (status !== 'retrying') deliveriesFinished.inc({ status });
  deps.log.info(
    {
      deliveryId: input.deliveryId,
      subscriptionId: ctx.subscription.id,
      attempt: input.attempt,
      statusCode: result.statusCode,
      durationMs: Math.round(result.durationMs),
      outcome,
      error,
      nextDelayMs,
    },
    'delivery attempt',
  );
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
  );
  deliveriesFinished.inc({ status: change.status });
}
