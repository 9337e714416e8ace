// Per-resource ordering and collapse in Postgres (issue 15). A delivery's chain is every delivery of the
// same subscription and resource key (src/domain/events/subject.ts), ordered by the event's occurredAt, then
// its arrival; the open part of a chain is one index range (migration 006). Pure SQL, no Temporal.
import type { Pool } from 'pg';
import { eventWorkflowIdFor } from '../../domain/formats/identity';
import { CLOSED_STATUSES, type WakeTarget } from '../../../workflows/definitions';

/** The closed statuses as an SQL list (constants, not input): a delivery in any other holds its successors back. */
const CLOSED = `(${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Event types that close their resource: a queued `*.updated` of the same family before one is superseded by it. */
const TERMINAL = `('leave.deleted', 'employee.terminated', 'payrun.deleted', 'bank_account.deleted', 'recurring_deduction.deleted')`;

/**
 * SQL for the context query (alias `d` the delivery, `s` its subscription): `ahead_id`, the nearest open
 * delivery before it in its chain, and `superseded_by`, the first later `*.updated` or terminal event of
 * the same family that makes this queued `*.updated` pointless to send (collapse, when the subscription
 * asks for it and its format allows it: `collapsible` is the format's flag, passed as a parameter list).
 */
export function chainColumns(collapsibleFormats: string): { columns: string; joins: string } {
  return {
    columns: `ahead.id AS ahead_id, later.id AS superseded_by`,
    joins: `
      LEFT JOIN LATERAL (
        SELECT p.id FROM deliveries p
         WHERE s.ordering = 'resource' AND d.resource_key IS NOT NULL AND d.seq IS NOT NULL
           AND p.subscription_id = d.subscription_id AND p.resource_key = d.resource_key
           AND (p.occurred_at, p.seq) < (d.occurred_at, d.seq) AND p.status NOT IN ${CLOSED}
         ORDER BY p.occurred_at DESC, p.seq DESC LIMIT 1) ahead ON true
      LEFT JOIN LATERAL (
        SELECT n.id FROM deliveries n
         WHERE s.collapse AND s.format = ANY(${collapsibleFormats}) AND d.resource_key IS NOT NULL AND d.seq IS NOT NULL
           AND d.event_type LIKE '%.updated'
           AND n.subscription_id = d.subscription_id AND n.resource_key = d.resource_key
           AND (n.occurred_at, n.seq) > (d.occurred_at, d.seq)
           AND split_part(n.event_type, '.', 1) = split_part(d.event_type, '.', 1)
           AND (n.event_type LIKE '%.updated' OR n.event_type IN ${TERMINAL})
         ORDER BY n.occurred_at, n.seq LIMIT 1) later ON true`,
  };
}

/**
 * The delivery each of these (just closed) deliveries let go: the nearest open one after it in its chain,
 * when it is `queued` (waiting for a wake). One that is not waiting yet looks again after marking itself
 * queued (activities/send.ts recheckHeld), so no wake is lost; and a workflow that is not waiting is never
 * signalled (a signal landing while it completes would make it run its last attempts again).
 * One query for the batch; deliveries of unordered subscriptions have none.
 */
export async function successorsOf(pool: Pool, deliveryIds: string[]): Promise<Map<string, WakeTarget[]>> {
  const found = new Map<string, WakeTarget[]>();
  if (deliveryIds.length === 0) return found;
  const { rows } = await pool.query(
    `SELECT c.id AS closed_id, n.id, n.event_id
       FROM deliveries c JOIN subscriptions s ON s.id = c.subscription_id
       JOIN LATERAL (
         SELECT n.id, n.event_id, n.status FROM deliveries n
          WHERE n.subscription_id = c.subscription_id AND n.resource_key = c.resource_key
            AND (n.occurred_at, n.seq) > (c.occurred_at, c.seq) AND n.status NOT IN ${CLOSED}
          ORDER BY n.occurred_at, n.seq LIMIT 1) n ON true
      WHERE c.id = ANY($1::text[]) AND s.ordering = 'resource' AND c.resource_key IS NOT NULL AND c.seq IS NOT NULL
        AND n.status = 'queued'`,
    [deliveryIds],
  );
  for (const r of rows) {
    found.set(r.closed_id, [...(found.get(r.closed_id) ?? []), { deliveryId: r.id, workflowId: eventWorkflowIdFor(r.event_id) }]);
  }
  return found;
}

/** The open delivery ahead of this one in its chain (an operator resync waits for it), or null. */
export async function openDeliveryAhead(pool: Pool, deliveryId: string): Promise<string | null> {
  const { rows } = await pool.query(
    `SELECT p.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
       JOIN LATERAL (
         SELECT p.id FROM deliveries p
          WHERE p.subscription_id = d.subscription_id AND p.resource_key = d.resource_key
            AND (p.occurred_at, p.seq) < (d.occurred_at, d.seq) AND p.status NOT IN ${CLOSED}
          ORDER BY p.occurred_at DESC, p.seq DESC LIMIT 1) p ON true
      WHERE d.id = $1 AND s.ordering = 'resource' AND d.resource_key IS NOT NULL AND d.seq IS NOT NULL`,
    [deliveryId],
  );
  return rows[0]?.id ?? null;
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
export async function holdDeliveries(pool: Pool, held: Array<{ deliveryId: string; waitingFor: string; nextAttemptAt: Date | null }>): Promise<void> {
  if (held.length === 0) return;
  await pool.query(
    `UPDATE deliveries w SET status = 'queued', next_attempt_at = h.next_attempt_at, workflow_started = true, updated_at = now(),
            waiting_for = CASE WHEN EXISTS (SELECT 1 FROM deliveries a WHERE a.id = h.waiting_for AND a.status IN ${CLOSED})
                               THEN COALESCE(${nearestOpenAhead("ARRAY[]::text[]")}, h.waiting_for) ELSE h.waiting_for END
       FROM jsonb_to_recordset($1::jsonb) AS h(id text, waiting_for text, next_attempt_at timestamptz)
      WHERE w.id = h.id AND w.status NOT IN ${CLOSED}`,
    [JSON.stringify(held.map((h) => ({ id: h.deliveryId, waiting_for: h.waitingFor, next_attempt_at: h.nextAttemptAt?.toISOString() ?? null })))],
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

/**
 * Of what held deliveries wait for, what is gone now: the deliveries ahead that closed and the subscriptions
 * no longer paused (one query). The second look of the wake handshake (activities/send.ts recheckHeld).
 */
export async function goneSinceHeld(pool: Pool, aheadIds: string[], pausedSubscriptions: string[]): Promise<{ closed: Set<string>; resumed: Set<string> }> {
  const { rows } = await pool.query(
    `SELECT 'delivery' AS kind, id FROM deliveries WHERE id = ANY($1::text[]) AND status IN ${CLOSED}
     UNION ALL
     SELECT 'subscription', s.id FROM unnest($2::text[]) AS s(id) LEFT JOIN flow_control f ON f.subscription_id = s.id WHERE f.paused_at IS NULL`,
    [aheadIds, pausedSubscriptions],
  );
  const of = (kind: string) => new Set(rows.filter((r) => r.kind === kind).map((r) => r.id as string));
  return { closed: of('delivery'), resumed: of('subscription') };
}

/** Deliveries a paused subscription holds back, oldest first (the probe goes to the first; resume wakes them all). */
export async function deliveriesWaitingForPause(pool: Pool, subscriptionId: string, waitingFor: string, limit: number): Promise<WakeTarget[]> {
  const { rows } = await pool.query(
    `SELECT id, event_id FROM deliveries
      WHERE subscription_id = $1 AND status = 'queued' AND waiting_for = $2
      ORDER BY occurred_at NULLS LAST, seq NULLS LAST, created_at LIMIT $3`,
    [subscriptionId, waitingFor, limit],
  );
  return rows.map((r) => ({ deliveryId: r.id, workflowId: eventWorkflowIdFor(r.event_id) }));
}
