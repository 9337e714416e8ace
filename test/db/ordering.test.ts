// The chain queries of per-resource ordering on a real Postgres: what a delivery waits for, whom a close
// wakes (only a successor already waiting: a workflow that is not waiting is never signalled), and that a
// resync waits for the delivery ahead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDeliveryAhead, successorsOf } from '../../src/infra/db/ordering';
import { eventWorkflowIdFor } from '../../src/domain/formats/identity';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO subscriptions (id, name, url, format, events, ordering) VALUES
    ('s_ord', 'ordered', 'https://r.example/h', 'standard', '"*"', 'resource'),
    ('s_none', 'unordered', 'https://r.example/h', 'standard', '"*"', 'none')`);
});
after(async () => db.drop());

/** Stores an event and its delivery to `sub` at chain position `step` of resource `key`, with `status`. */
async function delivery(sub: string, key: string, step: number, status: string): Promise<string> {
  const eventId = `e_${sub}_${key}_${step}`;
  await db.pool.query(
    `INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ($1, 'employee.updated', $2, '{}', 'h')`,
    [eventId, new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString()],
  );
  const id = `dlv_${sub}_${key}_${step}`;
  await db.pool.query(
    `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, resource_key, occurred_at, seq)
     SELECT $1, $2, $3, 'employee.updated', 'standard', $4, $5, occurred_at, seq FROM events WHERE id = $2`,
    [id, eventId, sub, status, key],
  );
  return id;
}

describe('chain queries', () => {
  test('a close wakes the next delivery of its resource only when it is queued', async () => {
    const head = await delivery('s_ord', 'employee:1', 1, 'delivered');
    const inFlight = await delivery('s_ord', 'employee:1', 2, 'pending');
    await delivery('s_ord', 'employee:1', 3, 'queued');
    assert.equal((await successorsOf(db.pool, [head])).size, 0, 'the next one is not waiting (in flight): no signal');

    const head2 = await delivery('s_ord', 'employee:2', 1, 'delivered');
    const waiting = await delivery('s_ord', 'employee:2', 2, 'queued');
    await delivery('s_ord', 'employee:2', 3, 'queued');
    assert.deepEqual(await successorsOf(db.pool, [head2]), new Map([[head2, [{ deliveryId: waiting, workflowId: eventWorkflowIdFor('e_s_ord_employee:2_2', 'default') }]]]),
      'only the nearest successor, with its event workflow');
    void inFlight;
  });

  test('unordered subscriptions have no chain', async () => {
    const a = await delivery('s_none', 'employee:3', 1, 'delivered');
    const b = await delivery('s_none', 'employee:3', 2, 'queued');
    assert.equal((await successorsOf(db.pool, [a])).size, 0);
    assert.equal(await openDeliveryAhead(db.pool, b), null);
  });

  test('a resync waits for the nearest open delivery ahead; closed ones do not count', async () => {
    await delivery('s_ord', 'employee:4', 1, 'processed');
    const failed = await delivery('s_ord', 'employee:4', 2, 'failed');
    await delivery('s_ord', 'employee:4', 3, 'superseded');
    const last = await delivery('s_ord', 'employee:4', 4, 'queued');
    assert.equal(await openDeliveryAhead(db.pool, last), failed);
    assert.equal(await openDeliveryAhead(db.pool, failed), null);
  });
});
