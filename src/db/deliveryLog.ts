// What the delivery activities read and write in Postgres: the context of one
// attempt (event + subscription, secrets opened), the attempt record and the
// delivery's mirrored status. Never logs or returns secrets.
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secretBox';
import type { HrEvent } from '../events/schema';
import type { FormatName, SubscriptionView } from '../formats/format';
import { openAuthorization, openSecrets } from '../subscriptions/secretStore';
import type { DeliveryStatus, OperatorAction } from '../../workflows/definitions';
import { inTransaction } from './transaction';

export interface DeliveryContext {
  deliveryId: string;
  event: HrEvent;
  url: string;
  subscription: SubscriptionView;
  active: boolean;
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
  if (!row) throw new Error(`delivery ${deliveryId} not found in Postgres`);
  return {
    deliveryId,
    event: row.event as HrEvent,
    url: row.url,
    active: row.enabled && row.deleted_at === null,
    subscription: {
      id: row.id,
      format: row.format as FormatName,
      events: row.events,
      mode: row.mode,
      authorization: openAuthorization(box, row.authorization_enc),
      secrets: openSecrets(box, row.secrets_enc, now),
      headers: row.headers ?? {},
      properties: row.properties ?? {},
    },
  };
}

export async function markDelivering(pool: Pool, deliveryId: string, attempt: number, action?: OperatorAction): Promise<void> {
  await pool.query(
    `UPDATE deliveries SET status = 'delivering', attempts = GREATEST(attempts, $2), next_attempt_at = NULL,
            workflow_started = true, updated_at = now(),
            actions = CASE WHEN $3::jsonb IS NULL OR actions @> jsonb_build_array($3::jsonb) THEN actions
                           ELSE actions || jsonb_build_array($3::jsonb) END
      WHERE id = $1 AND status NOT IN ('processed', 'cancelled')`,
    [deliveryId, attempt, action ? JSON.stringify(action) : null],
  );
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
}

/** Records an attempt and the status it leads to, atomically; a retried activity overwrites its own row. */
export async function recordAttempt(pool: Pool, a: AttemptRecord, update: StatusUpdate): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body,
                             status_code, response_headers, response_body, response_truncated, error_kind, error_message, outcome)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
       ON CONFLICT (delivery_id, number) DO UPDATE SET
         started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms, url = EXCLUDED.url,
         request_headers = EXCLUDED.request_headers, request_body = EXCLUDED.request_body,
         status_code = EXCLUDED.status_code, response_headers = EXCLUDED.response_headers,
         response_body = EXCLUDED.response_body, response_truncated = EXCLUDED.response_truncated,
         error_kind = EXCLUDED.error_kind, error_message = EXCLUDED.error_message, outcome = EXCLUDED.outcome`,
      [
        a.deliveryId, a.number, a.startedAt, Math.round(a.durationMs), a.url, JSON.stringify(a.requestHeaders), a.requestBody,
        a.statusCode, a.responseHeaders ? JSON.stringify(a.responseHeaders) : null, a.responseBody, a.responseTruncated,
        a.errorKind, a.errorMessage, a.outcome,
      ],
    );
    await client.query(
      `UPDATE deliveries SET status = $2, attempts = GREATEST(attempts, $3), last_status_code = $4, last_error = $5,
              next_attempt_at = $6, workflow_started = true, updated_at = now()
        WHERE id = $1 AND status NOT IN ('processed', 'cancelled')`,
      [a.deliveryId, update.status, a.number, a.statusCode, update.lastError, update.nextAttemptAt],
    );
  });
}

export async function recordStatus(
  pool: Pool,
  deliveryId: string,
  status: DeliveryStatus,
  nextAttemptAt: Date | null,
  action?: OperatorAction,
): Promise<void> {
  await pool.query(
    `UPDATE deliveries SET status = $2, next_attempt_at = $3, updated_at = now(),
            actions = CASE WHEN $4::jsonb IS NULL OR actions @> jsonb_build_array($4::jsonb) THEN actions
                           ELSE actions || jsonb_build_array($4::jsonb) END
      WHERE id = $1`,
    [deliveryId, status, nextAttemptAt, action ? JSON.stringify(action) : null],
  );
}

export async function disableSubscription(pool: Pool, subscriptionId: string, reason: string): Promise<void> {
  await pool.query(
    `UPDATE subscriptions SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`,
    [subscriptionId, reason],
  );
}
