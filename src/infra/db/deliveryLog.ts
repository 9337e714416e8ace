// What the delivery activities read and write in Postgres: the context of one
// attempt (event + subscription, secrets opened), the attempt record and the
// delivery's mirrored status. Never logs or returns secrets.
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secretBox';
import type { HrEvent } from '../../domain/events/schema';
import type { SubscriptionView } from '../../domain/formats/format';
import { formatNames, getFormat, type FormatName } from '../../domain/formats/registry';
import { chainColumns } from './ordering';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { SecretDecryptError } from '../crypto/secretBox';
import { effectiveCredentials, type SealedCredentials } from '../crypto/secretStore';
import { openSendableHeaders } from '../crypto/headerStore';
import type { DeliveryStatus, OperatorAction } from '../../../workflows/definitions';

export interface DeliveryContext {
  deliveryId: string;
  event: HrEvent;
  url: string;
  subscription: SubscriptionView;
  active: boolean;
  /** Why the subscription's secrets could not be opened (the attempt fails with it); null when they were. */
  openError: string | null;
  /** The nearest open delivery ahead of this one in its chain (ordering), or null. */
  ahead: string | null;
  /** The later update that makes this queued `*.updated` pointless to send (collapse), or null. */
  supersededBy: string | null;
  limits: { maxPerSecond: number; maxInFlight: number; pauseAfterFailures: number };
  /** Deliveries of its resource may wait for it (ordered subscription, resource known): its close wakes the next. */
  ordered: boolean;
  /** The breaker's count as the attempt starts: a success need not reset a count that is already 0. */
  breaker: { consecutiveFailures: number; paused: boolean };
}

/** The delivery, its event or its subscription row is gone: no attempt can ever be built. */
export class DeliveryNotFound extends Error {
  override readonly name = 'DeliveryNotFound';
}

function opened<T>(open: () => T, empty: T): { value: T; error: string | null } {
  try {
    return { value: open(), error: null };
  } catch (err) {
    if (err instanceof SecretDecryptError) return { value: empty, error: err.message };
    throw err;
  }
}

const chain = chainColumns('$2::text[]');
const CONTEXT_COLUMNS = `d.id AS delivery_id, e.body AS event, s.id, s.url, s.format, s.events, s.mode, s.authorization_enc,
            s.secrets_enc, s.pending_credential_enc, s.headers_enc, s.headers, s.properties, s.enabled, s.deleted_at, s.max_per_second, s.max_in_flight,
            s.pause_after_failures, s.ordering = 'resource' AND d.resource_key IS NOT NULL AND d.seq IS NOT NULL AS ordered,
            fc.consecutive_failures, fc.paused_at, ${chain.columns}
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id
       LEFT JOIN flow_control fc ON fc.subscription_id = s.id ${chain.joins}`;

function toContext(box: SecretBox, row: Record<string, any>, now: Date): DeliveryContext {
  const headers = opened(() => openSendableHeaders(box, row.headers_enc, row.headers), {} as Record<string, string>);
  const credentials = opened(() => effectiveCredentials(box, row as SealedCredentials, now), { secrets: [] as string[], authorization: null as string | null });
  return {
    deliveryId: row.delivery_id,
    event: row.event as HrEvent,
    url: row.url,
    active: row.enabled && row.deleted_at === null,
    openError: credentials.error ?? headers.error,
    ahead: row.ahead_id ?? null,
    supersededBy: row.superseded_by ?? null,
    limits: {
      maxPerSecond: Number(row.max_per_second ?? DEFAULT_LIMITS.maxPerSecond),
      maxInFlight: Number(row.max_in_flight ?? DEFAULT_LIMITS.maxInFlight),
      pauseAfterFailures: Number(row.pause_after_failures ?? DEFAULT_LIMITS.pauseAfterFailures),
    },
    ordered: row.ordered === true,
    breaker: { consecutiveFailures: Number(row.consecutive_failures ?? 0), paused: row.paused_at != null },
    subscription: {
      id: row.id,
      format: row.format as FormatName,
      events: row.events,
      mode: row.mode,
      authorization: credentials.value.authorization,
      secrets: credentials.value.secrets,
      headers: headers.value,
      properties: row.properties ?? {},
    },
  };
}

/**
 * The contexts of several deliveries (one event's, attempted together) in one query; a delivery whose
 * rows are gone maps to DeliveryNotFound, one whose row cannot be read (bad JSON) to that error.
 */
export async function loadDeliveryContexts(
  pool: Pool,
  box: SecretBox,
  deliveryIds: string[],
  now: Date,
): Promise<Map<string, DeliveryContext | Error>> {
  const collapsible = formatNames().filter((f) => getFormat(f).collapsible);
  const { rows } = await pool.query(`SELECT ${CONTEXT_COLUMNS} WHERE d.id = ANY($1::text[])`, [deliveryIds, collapsible]);
  const found = new Map<string, DeliveryContext | Error>();
  for (const row of rows) {
    try {
      found.set(row.delivery_id, toContext(box, row, now));
    } catch (err) {
      found.set(row.delivery_id, err as Error);
    }
  }
  for (const id of deliveryIds) {
    if (!found.has(id)) found.set(id, new DeliveryNotFound(`delivery ${id}, its event or its subscription is not in Postgres`));
  }
  return found;
}

export interface AttemptRecord {
  deliveryId: string;
  number: number;
  startedAt: Date;
  durationMs: number;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  statusCode: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseTruncated: boolean;
  errorKind: string | null;
  errorMessage: string | null;
  outcome: string;
}

export interface StatusUpdate {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The operator action (a resync) that triggered the attempt. */
  action?: OperatorAction;
}

/** Appends an operator action unless the list holds it already (same kind, who and note when `sameTime` is false). */
export const APPEND_ACTION = (param: string, sameTime = true) => `CASE WHEN ${param}::jsonb IS NULL
                           OR actions @> jsonb_build_array(${sameTime ? `${param}::jsonb` : `${param}::jsonb - 'at'`}) THEN actions
                           ELSE actions || jsonb_build_array(${param}::jsonb) END`;

/**
 * Records attempts and the statuses they lead to in one statement, whatever their number (one write per
 * attempt, one round trip per batch); a retried activity overwrites its own attempt rows. A delivery an
 * operator already closed keeps its status, unless the attempt succeeded (it did reach the receiver).
 */
export async function recordAttempts(pool: Pool, attempts: Array<{ attempt: AttemptRecord; update: StatusUpdate }>): Promise<void> {
  if (attempts.length === 0) return;
  const rows = attempts.map(({ attempt: a, update: u }) => ({
    delivery_id: a.deliveryId, number: a.number, started_at: a.startedAt.toISOString(), duration_ms: Math.round(a.durationMs),
    url: a.url, request_headers: a.requestHeaders, request_body: a.requestBody, status_code: a.statusCode,
    response_headers: a.responseHeaders, response_body: a.responseBody, response_truncated: a.responseTruncated,
    error_kind: a.errorKind, error_message: a.errorMessage, outcome: a.outcome,
    status: u.status, last_error: u.lastError, next_attempt_at: u.nextAttemptAt?.toISOString() ?? null, action: u.action ?? null,
  }));
  await pool.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         delivery_id text, number int, started_at timestamptz, duration_ms int, url text, request_headers jsonb,
         request_body text, status_code int, response_headers jsonb, response_body text, response_truncated boolean,
         error_kind text, error_message text, outcome text, status text, last_error text, next_attempt_at timestamptz, action jsonb)
     ),
     attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body,
                             status_code, response_headers, response_body, response_truncated, error_kind, error_message, outcome)
       SELECT delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code, response_headers,
              response_body, response_truncated, error_kind, error_message, outcome FROM input
       ON CONFLICT (delivery_id, number) DO UPDATE SET
         started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms, url = EXCLUDED.url,
         request_headers = EXCLUDED.request_headers, request_body = EXCLUDED.request_body,
         status_code = EXCLUDED.status_code, response_headers = EXCLUDED.response_headers,
         response_body = EXCLUDED.response_body, response_truncated = EXCLUDED.response_truncated,
         error_kind = EXCLUDED.error_kind, error_message = EXCLUDED.error_message, outcome = EXCLUDED.outcome
     )
     UPDATE deliveries d SET
            status = CASE WHEN d.status IN ('processed', 'cancelled') AND i.status <> 'delivered' THEN d.status ELSE i.status END,
            attempts = GREATEST(d.attempts, i.number), last_status_code = i.status_code, last_error = i.last_error,
            next_attempt_at = CASE WHEN d.status IN ('processed', 'cancelled') AND i.status <> 'delivered' THEN NULL ELSE i.next_attempt_at END,
            workflow_started = true, updated_at = now(), waiting_for = NULL,
            actions = CASE WHEN i.action IS NULL OR d.actions @> jsonb_build_array(i.action) THEN d.actions
                           ELSE d.actions || jsonb_build_array(i.action) END
       FROM input i
      WHERE d.id = i.delivery_id`,
    [JSON.stringify(rows)],
  );
}

/** An attempt the activity could not record itself (it never returned): only what the workflow knows. */
export interface UnrecordedAttempt {
  number: number;
  at: string;
  error: string;
  outcome: string;
}

export async function writeDeliveryStatus(
  pool: Pool,
  deliveryId: string,
  status: DeliveryStatus,
  nextAttemptAt: Date | null,
  action?: OperatorAction,
  attempt?: UnrecordedAttempt,
): Promise<void> {
  await pool.query(
    `WITH attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, error_kind, error_message, outcome)
       SELECT $1, $5::int, $6::timestamptz, 0, '', '{}'::jsonb, '', 'worker', $7, $8 WHERE $5::int IS NOT NULL
       ON CONFLICT (delivery_id, number) DO NOTHING
     )
     UPDATE deliveries SET status = $2, next_attempt_at = $3, updated_at = now(), waiting_for = NULL, actions = ${APPEND_ACTION('$4', false)},
            attempts = GREATEST(attempts, COALESCE($5::int, 0)), last_error = COALESCE($7, last_error)
      WHERE id = $1`,
    [
      deliveryId, status, nextAttemptAt, action ? JSON.stringify(action) : null,
      attempt?.number ?? null, attempt?.at ?? null, attempt?.error ?? null, attempt?.outcome ?? null,
    ],
  );
}

export async function disableSubscription(pool: Pool, subscriptionId: string, reason: string): Promise<void> {
  await pool.query(
    `UPDATE subscriptions SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`,
    [subscriptionId, reason],
  );
}
