// Read models the web interface needs before and after acting on deliveries: how many deliveries of a
// subscription are still open (what disabling or deleting it cancels), and the labels of deliveries named by id
// (what a bulk action's outcome report shows). Never writes, never holds secrets.
import type { Pool } from 'pg';
import { CLOSED_STATUSES } from '../../../workflows/definitions';
import { openValues } from '../../infra/db/employeeKeys';

export interface OpenDeliveries {
  total: number;
  /** Count per status (any status not closed, including ones this version does not name). */
  byStatus: Record<string, number>;
}

export async function openDeliveriesOf(pool: Pool, subscriptionId: string): Promise<OpenDeliveries> {
  const { rows } = await pool.query(
    `SELECT status, count(*)::int AS n FROM deliveries
      WHERE subscription_id = $1 AND status <> ALL($2::text[]) GROUP BY status ORDER BY status`,
    [subscriptionId, CLOSED_STATUSES],
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status as string, r.n as number]));
  return { total: rows.reduce((sum, r) => sum + (r.n as number), 0), byStatus };
}

export interface DeliveryLabel {
  id: string;
  eventType: string;
  eventId: string;
  status: string;
  subscriptionName: string | null;
  subject: { id: string | null; name: string | null; number: string | null; resourceKey: string | null };
}

export async function deliveryLabels(pool: Pool, ids: string[]): Promise<Map<string, DeliveryLabel>> {
  const { rows } = await pool.query(
    `SELECT d.id, d.event_type, d.event_id, d.status, d.subject_id, d.subject_name, d.subject_number, d.resource_key, s.name AS subscription_name
       FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id = ANY($1::text[])`,
    [ids],
  );
  const names = await openValues(pool, rows.map((r) => r.subject_name)); // sealed at rest (issue 23)
  return new Map(rows.map((r, i) => [r.id as string, {
    id: r.id, eventType: r.event_type, eventId: r.event_id, status: r.status, subscriptionName: r.subscription_name ?? null,
    subject: { id: r.subject_id ?? null, name: (names[i] as string | null) ?? null, number: r.subject_number ?? null, resourceKey: r.resource_key ?? null },
  }]));
}
