// Writes a delivery history straight into Postgres (events, deliveries, attempts with real delivery ids), for
// tests of the figures computed over it: the dashboard charts and subscription health. Times are given exactly.
import type { Pool } from 'pg';
import { deliveryIdFor } from '../../src/domain/formats/identity';

export interface SeededAttempt {
  at: Date;
  durationMs: number;
  statusCode?: number | null;
  errorKind?: string | null;
  outcome: 'success' | 'retry' | 'failed' | 'gone' | 'aborted';
}

export interface SeededDelivery {
  subscriptionId: string;
  /** Any status, including ones this version does not know. */
  status: string;
  createdAt: Date;
  attempts?: SeededAttempt[];
}

let seq = 0;

/** One event and its one delivery per call; returns the delivery id (dlv_<subscription>_<hash>). */
export async function seedDelivery(pool: Pool, d: SeededDelivery): Promise<string> {
  seq += 1;
  const eventId = `evt-seeded-${process.pid}-${seq}`;
  const id = deliveryIdFor(d.subscriptionId, eventId, 'default');
  const attempts = d.attempts ?? [];
  await pool.query(
    `INSERT INTO events (id, type, occurred_at, body, body_hash, received_at) VALUES ($1, 'employee.updated', $2, '{"id":1}', 'h', $2)`,
    [eventId, d.createdAt],
  );
  await pool.query(
    `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, workflow_started, created_at, updated_at)
     VALUES ($1, $2, $3, 'employee.updated', 'standard', $4, $5, true, $6, $6)`,
    [id, eventId, d.subscriptionId, d.status, attempts.length, d.createdAt],
  );
  for (const [i, a] of attempts.entries()) {
    await pool.query(
      `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code, error_kind, error_message, outcome)
       VALUES ($1, $2, $3, $4, 'https://receiver.example/hooks', '{}', '{}', $5, $6, $7, $8)`,
      [id, i + 1, a.at, a.durationMs, a.statusCode ?? null, a.errorKind ?? null, a.errorKind ? `${a.errorKind} (seeded)` : null, a.outcome],
    );
  }
  return id;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const floorTo = (t: Date, ms: number): Date => new Date(Math.floor(t.getTime() / ms) * ms);
export const plus = (t: Date, ms: number): Date => new Date(t.getTime() + ms);
