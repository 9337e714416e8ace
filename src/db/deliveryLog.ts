// What the delivery activities read and write in Postgres: the context of one
// attempt (event + subscription, secrets opened), the attempt record and the
// delivery's mirrored status. Never logs or returns secrets.
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secretBox';
import type { HrEvent } from '../events/schema';
import type { FormatName, SubscriptionView } from '../formats/format';
import { SecretDecryptError } from '../crypto/secretBox';
import { openAuthorization, openSecrets } from '../subscriptions/secretStore';
import type { DeliveryStatus, OperatorAction } from '../../workflows/definitions';

export interface DeliveryContext {
  deliveryId: string;
  event: HrEvent;
  url: string;
  subscription: SubscriptionView;
  active: boolean;
  /** Why the subscription's secrets could not be opened (the attempt fails with it); null when they were. */
  openError: string | null;
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

export async function loadDeliveryContext(pool: Pool, box: SecretBox, deliveryId: string, now: Date): Promise<DeliveryContext> {
  const { rows } = await pool.query(
    `SELECT e.body AS event, s.id, s.url, s.format, s.events, s.mode, s.authorization_enc, s.secrets_enc,
            s.headers, s.properties, s.enabled, s.deleted_at
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id
      WHERE d.id = $1`,
    [deliveryId],
  );
  const row = rows[0];
  if (!row) throw new DeliveryNotFound(`delivery ${deliveryId}, its event or its subscription is not in Postgres`);
  const authorization = opened(() => openAuthorization(box, row.authorization_enc), null);
  const secrets = opened(() => openSecrets(box, row.secrets_enc, now), [] as string[]);
  return {
    deliveryId,
    event: row.event as HrEvent,
    url: row.url,
    active: row.enabled && row.deleted_at === null,
    openError: authorization.error ?? secrets.error,
    subscription: {
      id: row.id,
      format: row.format as FormatName,
      events: row.events,
      mode: row.mode,
      authorization: authorization.value,
      secrets: secrets.value,
      headers: row.headers ?? {},
      properties: row.properties ?? {},
    },
  };
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
 * Records an attempt and the status it leads to in one statement (one write per attempt); a retried
 * activity overwrites its own attempt row. A delivery an operator already closed keeps its status.
 */
export async function recordAttempt(pool: Pool, a: AttemptRecord, update: StatusUpdate): Promise<void> {
  await pool.query(
    `WITH attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body,
                             status_code, response_headers, response_body, response_truncated, error_kind, error_message, outcome)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
       ON CONFLICT (delivery_id, number) DO UPDATE SET
         started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms, url = EXCLUDED.url,
         request_headers = EXCLUDED.request_headers, request_body = EXCLUDED.request_body,
         status_code = EXCLUDED.status_code, response_headers = EXCLUDED.response_headers,
         response_body = EXCLUDED.response_body, response_truncated = EXCLUDED.response_truncated,
         error_kind = EXCLUDED.error_kind, error_message = EXCLUDED.error_message, outcome = EXCLUDED.outcome
     )
     UPDATE deliveries SET status = CASE WHEN status IN ('processed', 'cancelled') AND $15 <> 'delivered' THEN status ELSE $15 END,
            attempts = GREATEST(attempts, $2), last_status_code = $8, last_error = $16,
            next_attempt_at = CASE WHEN status IN ('processed', 'cancelled') THEN NULL ELSE $17::timestamptz END,
            workflow_started = true, updated_at = now(), actions = ${APPEND_ACTION('$18')}
      WHERE id = $1`,
    [
      a.deliveryId, a.number, a.startedAt, Math.round(a.durationMs), a.url, JSON.stringify(a.requestHeaders), a.requestBody,
      a.statusCode, a.responseHeaders ? JSON.stringify(a.responseHeaders) : null, a.responseBody, a.responseTruncated,
      a.errorKind, a.errorMessage, a.outcome, update.status, update.lastError, update.nextAttemptAt,
      update.action ? JSON.stringify(update.action) : null,
    ],
  );
}

/** An attempt the activity could not record itself (it never returned): only what the workflow knows. */
export interface UnrecordedAttempt {
  number: number;
  at: string;
  error: string;
  outcome: string;
}

export async function recordStatus(
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
     UPDATE deliveries SET status = $2, next_attempt_at = $3, updated_at = now(), actions = ${APPEND_ACTION('$4', false)},
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
