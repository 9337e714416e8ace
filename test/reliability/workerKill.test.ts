// Fault 1: the worker process is SIGKILLed while the receiver holds its request open. A new worker
// process picks the activity up after the heartbeat timeout (15 s) and the delivery completes; the
// receiver sees the same webhook-id twice (at-least-once, by design).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { deliveryResult, insertSubscription, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnWorker, type WorkerChild } from '../support/processes';
import { startReceiver, type Receiver } from '../support/receiver';
import { sharedTemporalAddress, testClient, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/waitFor';

let db: TestDatabase;
let client: Client;
let receiver: Receiver;
const children: WorkerChild[] = [];

before(async () => {
  db = await createTestDatabase();
  client = await testClient();
  receiver = await startReceiver();
});
after(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await receiver.close();
  await client.connection.close();
  await db.drop();
});

test('SIGKILL of the worker mid-request: a new worker completes the delivery, same webhook-id', { timeout: 120_000 }, async () => {
  const address = await sharedTemporalAddress();
  const taskQueue = uniqueTaskQueue('kill');
  const spawnOne = () => {
    const w = spawnWorker({ databaseUrl: db.url, temporalAddress: address, taskQueue, env: { HRHOOKS_ATTEMPT_TIMEOUT: '90s' } });
    children.push(w);
    return w;
  };
  receiver.respondSequence([{ hang: true }, { status: 200 }]);
  const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/hook`, retrySchedule: ['1h'] });

  const first = spawnOne();
  await first.ready;
  const deliveryId = await startFixtureDelivery(db.pool, client, taskQueue, sub, sampleEvent());
  const [held] = await receiver.waitForRequests(1, 30_000);
  const killed = await first.kill('SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  const killedAt = Date.now();

  const second = spawnOne();
  await second.ready;
  const result = await deliveryResult(client, deliveryId);
  const retryAfterMs = receiver.requests[1]!.receivedAt - killedAt;
  assert.equal(result.status, 'delivered');
  assert.equal(receiver.requests.length, 2, 'one held request, one retry');
  const [a, b] = receiver.requests;
  assert.equal(a!.headers['webhook-id'], held!.headers['webhook-id']);
  assert.equal(b!.headers['webhook-id'], a!.headers['webhook-id'], 'the retry carries the same webhook-id');
  assert.ok(retryAfterMs < 45_000, `retry came ${retryAfterMs} ms after the kill`);
  console.log(`# fault 1: retry reached the receiver ${retryAfterMs} ms after SIGKILL; webhook-id ${b!.headers['webhook-id']} seen twice`);

  const row = await waitFor('the mirror says delivered', async () => {
    const { rows } = await db.pool.query('SELECT status, attempts FROM deliveries WHERE id = $1', [deliveryId]);
    return rows[0]?.status === 'delivered' ? rows[0] : null;
  });
  assert.equal(row.attempts, 1, 'the killed attempt and its retry are one logical attempt');
  await second.kill('SIGTERM');
});
