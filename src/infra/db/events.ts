// Accepted events: stored with their deliveries rows in one transaction, looked up by (tenant, producer id).
// Never starts workflows (the ingest use-case does that after the commit).
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { HrEvent } from '../../domain/events/schema';
import type { FormatName } from '../../domain/formats/registry';
import { subjectOf, type EventSubject } from '../../domain/events/subject';
import type { DeliverableEventType } from '../../domain/events/eventTypes';
import { employeeOf } from '../../domain/events/dataSubject';
import { inTransaction } from './transaction';
import { envelopeKeyId } from '../crypto/dataKeys';
import { dataKeysConfigured, forgetEmployee, holdLiveKey, nameIndexOf, openValues, sealerFor, TENANT_KEY } from './employeeKeys';

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
  const employeeId = employeeOf(subjectOf(event.type as DeliverableEventType, event.data));
  try {
    return await storeSealed(pool, tenantId, event, isTest, employeeId, deliveriesFor);
  } catch (err) {
    if (!(err instanceof ErasedMeanwhile)) throw err;
    // another process erased this employee's key after this one cached it: once more, under a fresh key
    forgetEmployee(tenantId, employeeId ?? TENANT_KEY);
    return storeSealed(pool, tenantId, event, isTest, employeeId, deliveriesFor);
  }
}

/** The data key the event was sealed under was erased before the event's transaction took it. */
class ErasedMeanwhile extends Error {
  override readonly name = 'ErasedMeanwhile';
}

async function storeSealed(
  pool: Pool,
  tenantId: string,
  event: HrEvent,
  isTest: boolean,
  employeeId: string | null,
  deliveriesFor: (db: PoolClient) => Promise<NewDeliveryRow[]>,
): Promise<StoreResult> {
  const hash = bodyHashOf(event);
  // personal data at rest is sealed under the employee's data key (issue 23), made outside the event's transaction
  const seal = await sealerFor(pool, tenantId, employeeId);
  const body = dataKeysConfigured() ? JSON.stringify(seal(JSON.stringify(event))) : JSON.stringify(event);
  const keyId = dataKeysConfigured() ? envelopeKeyId(JSON.parse(body)) : null;
  return inTransaction(pool, async (client) => {
    if (keyId !== null && !(await holdLiveKey(client, keyId))) throw new ErasedMeanwhile();
    const inserted = await client.query(
      `INSERT INTO events (id, type, occurred_at, body, body_hash, is_test, tenant_id, employee_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (tenant_id, id) DO NOTHING RETURNING seq`,
      [event.id, event.type, event.occurredAt, body, hash, isTest, tenantId, employeeId],
    );
    if (inserted.rowCount === 0) {
      const existing = await findEvent(client, tenantId, event.id);
      return { created: false as const, existing: existing! };
    }
    const rows = await deliveriesFor(client);
    if (rows.length > 0) {
      await client.query(
        `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, subject_id, subject_name, subject_name_index, subject_number,
                                 resource_key, occurred_at, seq, tenant_id)
         SELECT d.id, $2, d.subscription_id, $3, d.format, 'pending', d.subject_id, d.subject_name, d.subject_name_index, d.subject_number,
                d.resource_key, $4, $5, $6
           FROM jsonb_to_recordset($1::jsonb)
             AS d(id text, subscription_id text, format text, subject_id text, subject_name text, subject_name_index text[], subject_number text, resource_key text)`,
        [JSON.stringify(rows.map((d) => ({
          id: d.id, subscription_id: d.subscriptionId, format: d.format, subject_id: d.subject.id,
          subject_name: d.subject.name === null ? null : seal(d.subject.name), subject_name_index: nameIndexOf(tenantId, d.subject.name),
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
  return rows[0] ? ((await openEventBodies(pool, [rows[0].body]))[0] as HrEvent) : null;
}

/**
 * Stored event bodies as read: a sealed one (a JSON string `hrk1:…`) opened, `{ "erased": true }` when its data key
 * was erased; rows from before (clear JSON) and redacted rows (`{ "erased": "<erasure id>" }`) as they are.
 */
export async function openEventBodies(db: Queryable, bodies: unknown[]): Promise<unknown[]> {
  const opened = await openValues(db, bodies);
  return opened.map((v, i) => (v === bodies[i] ? v : v === 'erased' ? { erased: true } : JSON.parse(v as string)));
}
