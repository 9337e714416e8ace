// The one writer of a delivery's status in Postgres: every statement that sets deliveries.status is here
// (test/architecture/statusWriter.test.ts holds that). What the status becomes is decided elsewhere, once
// (src/domain/delivery/transition.ts); these statements record it: attempts and the statuses they lead to,
// what the workflow knows of an attempt it never got back, holds and supersedes (ordering, collapse), an
// operator's close, and the start Temporal refused for good. Never logs or returns secrets.
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './transaction';
import { CLOSED_STATUSES, type DeliveryStatus, type OperatorAction } from '../../../workflows/definitions';
import { CLOSED } from './ordering';
import { formatWaitingFor, type WaitingFor } from '../../domain/flow/waitingFor';


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
 * attempt, one transaction per batch); a retried activity overwrites its own attempt rows. A delivery an
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
  await withDeliveriesLocked(pool, rows.map((r) => r.delivery_id), (client) => client.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         delivery_id text, number int, started_at timestamptz, duration_ms int, url text, request_headers jsonb,
         request_body text, status_code int, response_headers jsonb, response_body text, response_truncated boolean,
         error_kind text, error_message text, outcome text, status text, last_error text, next_attempt_at timestamptz, action jsonb)
     ),
     replaced AS (
       DELETE FROM attempts a USING input i WHERE a.delivery_id = i.delivery_id AND a.number = i.number RETURNING 1
     ),
     attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body,
                             status_code, response_headers, response_body, response_truncated, error_kind, error_message, outcome)
       SELECT delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code, response_headers,
              response_body, response_truncated, error_kind, error_message, outcome FROM input
        WHERE (SELECT count(*) FROM replaced) >= 0
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
  ));
}

/**
 * The attempt log is partitioned by started_at (migration 018), so (delivery_id, number) cannot be its unique
 * key: the writers of a delivery's attempts take its row lock first, then replace the attempt `number` (a
 * statement after the lock sees every row committed before it).
 */
async function withDeliveriesLocked<T>(pool: Pool, deliveryIds: string[], write: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM deliveries WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE', [[...new Set(deliveryIds)]]);
    return write(client);
  });
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
  const write = (db: Pool | PoolClient) => db.query(
    `WITH attempt AS (
       INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, error_kind, error_message, outcome)
       SELECT $1, $5::int, $6::timestamptz, 0, '', '{}'::jsonb, '', 'worker', $7, $8 WHERE $5::int IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM attempts WHERE delivery_id = $1 AND number = $5::int)
     )
     UPDATE deliveries SET status = $2, next_attempt_at = $3, updated_at = now(), waiting_for = NULL, actions = ${APPEND_ACTION('$4', false)},
            attempts = GREATEST(attempts, COALESCE($5::int, 0)), last_error = COALESCE($7, last_error)
      WHERE id = $1`,
    [
      deliveryId, status, nextAttemptAt, action ? JSON.stringify(action) : null,
      attempt?.number ?? null, attempt?.at ?? null, attempt?.error ?? null, attempt?.outcome ?? null,
    ],
  );
  // an attempt row only if none has that number: under the delivery's lock (see withDeliveriesLocked)
  if (attempt) await withDeliveriesLocked(pool, [deliveryId], write);
  else await write(pool);
}

/**
 * Ends the open, unstarted deliveries of events whose start Temporal refused for good: `failed`, with the
 * refusal as their last error, so they show on the to-do list; the re-drive pass leaves them alone.
 */
export async function refuseEventStarts(pool: Pool, refusals: Array<{ tenantId: string; eventId: string; reason: string }>): Promise<void> {
  if (refusals.length === 0) return;
  await pool.query(
    `UPDATE deliveries d SET status = 'failed', last_error = r.reason, start_refused = r.reason, next_attempt_at = NULL,
        start_failures = d.start_failures + 1, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS r(tenant_id, event_id, reason)
      WHERE d.tenant_id = r.tenant_id AND d.event_id = r.event_id AND NOT d.workflow_started AND d.status <> ALL($4::text[])`,
    [refusals.map((r) => r.tenantId), refusals.map((r) => r.eventId), refusals.map((r) => r.reason), CLOSED_STATUSES],
  );
}

/**
 * Closes, as cancelled, the deliveries of a subscription whose event's start Temporal refused for good: they
 * have no workflow to signal (a disable or delete of the subscription closes them here).
 */
export async function cancelRefusedDeliveries(pool: Pool, subscriptionId: string, action: OperatorAction): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now(), actions = ${APPEND_ACTION('$2', false)}
      WHERE subscription_id = $1 AND start_refused IS NOT NULL AND NOT workflow_started AND status <> ALL($3::text[])`,
    [subscriptionId, JSON.stringify(action), CLOSED_STATUSES],
  );
  return rowCount ?? 0;
}

/**
 * An operator's close (mark processed, cancel) mirrored at once, as soon as the workflow has the signal:
 * the workflow itself may see it only at its next workflow task, seconds later while a sibling attempt
 * is in flight. Never overrides a delivery that already ended; the workflow's own record of the same
 * action (another timestamp) is not appended twice.
 */
export async function closeDelivery(pool: Pool, id: string, status: 'processed' | 'cancelled', action: OperatorAction): Promise<void> {
  await pool.query(
    `UPDATE deliveries SET status = $2, next_attempt_at = NULL, updated_at = now(), actions = ${APPEND_ACTION('$3', false)}
      WHERE id = $1 AND status NOT IN ('delivered', 'processed', 'cancelled')`,
    [id, status, JSON.stringify(action)],
  );
}

/**
 * SQL for the nearest open delivery before `w` in its chain (alias `w`), leaving out the ids in `excluded`
 * (an SQL list expression): what a queued delivery really waits for.
 */
const nearestOpenAhead = (excluded: string) => `(SELECT p.id FROM deliveries p
    WHERE p.subscription_id = w.subscription_id AND p.resource_key = w.resource_key AND w.seq IS NOT NULL
      AND (p.occurred_at, p.seq) < (w.occurred_at, w.seq) AND p.status NOT IN ${CLOSED} AND p.id <> ALL(${excluded})
    ORDER BY p.occurred_at DESC, p.seq DESC LIMIT 1)`;

/**
 * Marks deliveries queued (nothing sent), each with what it waits for; one statement. A delivery named as
 * waited for that has closed since (superseded while this one's context was read) is replaced by the one
 * really ahead now, so the admin never reads "waiting for" a delivery that is gone.
 */
export async function holdDeliveries(pool: Pool, held: Array<{ deliveryId: string; waitingFor: WaitingFor; nextAttemptAt: Date | null }>): Promise<void> {
  if (held.length === 0) return;
  await pool.query(
    `UPDATE deliveries w SET status = 'queued', next_attempt_at = h.next_attempt_at, workflow_started = true, updated_at = now(),
            waiting_for = CASE WHEN EXISTS (SELECT 1 FROM deliveries a WHERE a.id = h.waiting_for AND a.status IN ${CLOSED})
                               THEN COALESCE(${nearestOpenAhead("ARRAY[]::text[]")}, h.waiting_for) ELSE h.waiting_for END
       FROM jsonb_to_recordset($1::jsonb) AS h(id text, waiting_for text, next_attempt_at timestamptz)
      WHERE w.id = h.id AND w.status NOT IN ${CLOSED}`,
    [JSON.stringify(held.map((h) => ({ id: h.deliveryId, waiting_for: formatWaitingFor(h.waitingFor), next_attempt_at: h.nextAttemptAt?.toISOString() ?? null })))],
  );
}

/**
 * Closes deliveries unsent: a later update of the same resource replaces each (collapse). In the same
 * statement, a queued delivery that waited for one of them now names the delivery really ahead of it
 * (the admin reads the truth at once; the wake follows).
 */
export async function supersedeDeliveries(pool: Pool, superseded: Array<{ deliveryId: string; by: string }>): Promise<void> {
  if (superseded.length === 0) return;
  await pool.query(
    `WITH gone AS (
       UPDATE deliveries d SET status = 'superseded', superseded_by = x.by, waiting_for = NULL, next_attempt_at = NULL,
              workflow_started = true, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, by text)
        WHERE d.id = x.id AND d.status NOT IN ${CLOSED}
        RETURNING d.id)
     UPDATE deliveries w SET waiting_for = COALESCE(${nearestOpenAhead('ARRAY(SELECT id FROM gone)')}, w.waiting_for), updated_at = now()
      WHERE w.status = 'queued' AND w.waiting_for IN (SELECT id FROM gone) AND w.id NOT IN (SELECT id FROM gone)`,
    [JSON.stringify(superseded.map((x) => ({ id: x.deliveryId, by: x.by })))],
  );
}
