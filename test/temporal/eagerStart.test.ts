// Eager workflow start: a client that shares its NativeConnection with a worker of the task queue (the
// all-in-one, a gateway with HRHOOKS_EMBEDDED_WORKER) gets the event workflow's first task straight
// back from the server on the dev server; a plain client starts it the ordinary way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { deliveriesOfEvent } from '../../src/infra/db/deliveries';
import { deliveryIdFor } from '../../src/domain/formats/identity';
import { startEvent } from '../../src/infra/temporal/deliveryClient';
import { deliveryResult, insertSubscription, sampleEvent } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, sharedTemporalAddress, testClient, testDataConverter, type RunningWorker } from '../support/temporal';

let db: TestDatabase;
let receiver: Receiver;
let connection: NativeConnection;
let worker: RunningWorker;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  connection = await NativeConnection.connect({ address: await sharedTemporalAddress() });
  worker = await runTestWorker({ pool: db.pool, connection });
});
after(async () => {
  await worker.stop();
  await connection.close();
  await receiver.close();
  await db.drop();
});

async function storedEvent(path: string) {
  const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}${path}` });
  const event = sampleEvent();
  await db.pool.query(`INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ($1, $2, $3, $4, 'x')`, [event.id, event.type, event.occurredAt, JSON.stringify(event)]);
  await db.pool.query(`INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status) VALUES ($1, $2, $3, $4, 'standard', 'pending')`, [deliveryIdFor(sub.id, event.id, 'default'), event.id, sub.id, event.type]);
  return deliveriesOfEvent(db.pool, 'default', event.id);
}

test('a client on the worker\'s connection starts event workflows eagerly; a plain client does not', async () => {
  receiver.respondWith({ status: 200 });
  const shared = new Client({ connection, namespace: 'default', dataConverter: testDataConverter });
  const rows = await storedEvent('/eager');
  assert.equal(await startEvent(shared, worker.taskQueue, rows, { eager: true }), 'started_eagerly');
  assert.equal((await deliveryResult(shared, rows[0]!.id)).status, 'delivered');
  assert.equal(await startEvent(shared, worker.taskQueue, rows, { eager: true }), 'already_started');

  const plain = await testClient();
  try {
    const others = await storedEvent('/plain');
    assert.equal(await startEvent(plain, worker.taskQueue, others), 'started');
    assert.equal((await deliveryResult(plain, others[0]!.id)).status, 'delivered');
  } finally {
    await plain.connection.close();
  }
  assert.equal(receiver.requests.length, 2);
});
