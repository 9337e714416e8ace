// Accepted events: stored with their deliveries rows in one transaction, looked up by (tenant, producer id).
// Never starts workflows (the ingest use-case does that after the commit).
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { HrEvent } from '../../domain/events/schema';
import type { FormatName } from '../../domain/formats/registry';
import type { EventSubject } from '../../domain/events/subject';
import { inTransaction } from './transaction';

export interface NewDeliveryRow {
  id: string;
  subscriptionId: string;
  format: FormatName;
  subject: EventSubject;
}

export interface StoredEvent {
  id: string;
  type: string;
  bodyHash: string;
  isTest: boolean;
}

export type StoreResult = { created: true; rows: NewDeliveryRow[] } | { created: false; existing: StoredEvent };

/** A pool or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

/** JSON with object keys sorted, so the same event hashes the same whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function bodyHashOf(event: HrEvent): string {
  return createHash('sha256').update(canonicalJson(event), 'utf8').digest('hex');
}

/**
 * Stores the event and its deliveries atomically; `deliveriesFor` names them, in the same transaction, only
 * for a new event. When the id already exists (for this tenant) nothing is written and the stored event is
 * returned so the caller can compare body hashes.
 */
export async function storeEvent(
  pool: Pool,
  tenantId: string,
  event: HrEvent,
  isTest: boolean,
  deliveriesFor: (db: PoolClient) => Promise<NewDeliveryRow[]>,
): Promise<StoreResult> {
  const hash = bodyHashOf(event);
  return inTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO events (id, type, occurred_at, body, body_hash, is_test, tenant_id) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT (tenant_id, id) DO NOTHING RETURNING seq`,
      [event.id, event.type, event.occurredAt, JSON.stringify(event), hash, isTest, tenantId],
    );
    if (inserted.rowCount === 0) {
      const existing = await findEvent(client, tenantId, event.id);
      return { created: false as const, existing: existing! };
    }
    const rows = await deliveriesFor(client);
    if (rows.length > 0) {
      await client.query(
        `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, subject_id, subject_name, subject_number, resource_key,
                                 occurred_at, seq, tenant_id)
         SELECT d.id, $2, d.subscription_id, $3, d.format, 'pending', d.subject_id, d.subject_name, d.subject_number, d.resource_key, $4, $5, $6
           FROM jsonb_to_recordset($1::jsonb)
             AS d(id text, subscription_id text, format text, subject_id text, subject_name text, subject_number text, resource_key text)`,
        [JSON.stringify(rows.map((d) => ({
          id: d.id, subscription_id: d.subscriptionId, format: d.format, subject_id: d.subject.id, subject_name: d.subject.name,
          subject_number: d.subject.number, resource_key: d.subject.resourceKey,
        }))), event.id, event.type, event.occurredAt, inserted.rows[0].seq, tenantId],
      );
    }
    return { created: true as const, rows };
  });
}

export async function findEvent(db: Pool | PoolClient, tenantId: string, id: string): Promise<StoredEvent | null> {
  const { rows } = await db.query('SELECT id, type, body_hash, is_test FROM events WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  const r = rows[0];
  return r ? { id: r.id, type: r.type, bodyHash: r.body_hash, isTest: r.is_test } : null;
}

export async function getEventBody(pool: Pool, tenantId: string, id: string): Promise<HrEvent | null> {
  const { rows } = await pool.query('SELECT body FROM events WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return rows[0] ? (rows[0].body as HrEvent) : null;
}
