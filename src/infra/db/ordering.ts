// Per-resource ordering and collapse in Postgres (issue 15). A delivery's chain is every delivery of the
// same subscription and resource key (src/domain/events/subject.ts), ordered by the event's occurredAt, then
// its arrival; the open part of a chain is one index range (migration 006). Pure SQL, no Temporal.
import type { Pool } from 'pg';
import { eventWorkflowIdFor } from '../../domain/formats/identity';
import { CLOSED_STATUSES, type WakeTarget } from '../../../workflows/definitions';

/** The closed statuses as an SQL list (constants, not input): a delivery in any other holds its successors back. */
export const CLOSED = `(${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

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
    `SELECT c.id AS closed_id, n.id, n.event_id, n.tenant_id
       FROM deliveries c JOIN subscriptions s ON s.id = c.subscription_id
       JOIN LATERAL (
         SELECT n.id, n.event_id, n.tenant_id, n.status FROM deliveries n
          WHERE n.subscription_id = c.subscription_id AND n.resource_key = c.resource_key
            AND (n.occurred_at, n.seq) > (c.occurred_at, c.seq) AND n.status NOT IN ${CLOSED}
          ORDER BY n.occurred_at, n.seq LIMIT 1) n ON true
      WHERE c.id = ANY($1::text[]) AND s.ordering = 'resource' AND c.resource_key IS NOT NULL AND c.seq IS NOT NULL
        AND n.status = 'queued'`,
    [deliveryIds],
  );
  for (const r of rows) {
    found.set(r.closed_id, [...(found.get(r.closed_id) ?? []), { deliveryId: r.id, workflowId: eventWorkflowIdFor(r.event_id, r.tenant_id) }]);
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
    `SELECT id, event_id, tenant_id FROM deliveries
      WHERE subscription_id = $1 AND status = 'queued' AND waiting_for = $2
      ORDER BY occurred_at NULLS LAST, seq NULLS LAST, created_at LIMIT $3`,
    [subscriptionId, waitingFor, limit],
  );
  return rows.map((r) => ({ deliveryId: r.id, workflowId: eventWorkflowIdFor(r.event_id, r.tenant_id) }));
}
