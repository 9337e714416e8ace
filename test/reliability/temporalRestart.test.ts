// Fault 2: a private Temporal server is SIGKILLed while deliveries sleep on retry timers, then
// restarted on the same storage and port: the timers survive and every delivery ends delivered. The
// dev server (SQLite file) by default; the real server on Postgres (the whole process group killed)
// when test/temporal/realServer.test.ts reruns this file with HRHOOKS_TEST_TEMPORAL=server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { deliveryResult, insertSubscription, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, startPrivateTemporal, testClient, testTemporalKind, uniqueTaskQueue, type PrivateTemporal, type RunningWorker } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const COUNT = 6;
let db: TestDatabase;
let receiver: Receiver;
let dir: string;
let server: PrivateTemporal | null = null;
let worker: RunningWorker | null = null;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-temporal-'));
});
after(async () => {
  await worker?.stop().catch(() => undefined);
  await server?.close();
  await receiver.close();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const storage = testTemporalKind() === 'dev' ? 'the dev server, on the same SQLite file' : 'the real server, on the same Postgres databases';

test(`Temporal (${storage}) killed and restarted: retry timers resume and finish`, { timeout: 180_000 }, async () => {
  server = await startPrivateTemporal(path.join(dir, 'temporal'));
  const taskQueue = uniqueTaskQueue('restart');
  worker = await runTestWorker({ pool: db.pool, address: server.address, taskQueue });
  const client = await testClient(server.address);

  const firstTry = new Set<string>();
  receiver.respondWith((req) => {
    const id = String(req.headers['webhook-id']);
    if (firstTry.has(id)) return { status: 200 };
    firstTry.add(id);
    return { status: 503 };
  });
  const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/hook`, retrySchedule: ['3s'] });
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++) ids.push(await startFixtureDelivery(db.pool, client, taskQueue, sub, sampleEvent()));
  await receiver.waitForRequests(COUNT, 30_000);
  await waitFor('every delivery to sleep on its retry timer', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'retrying'`);
    return rows[0].n === COUNT;
  });
  await client.connection.close();

  await server.kill();
  const killedAt = Date.now();
  await new Promise((r) => setTimeout(r, 4_000));
  assert.equal(receiver.requests.length, COUNT, 'nothing is attempted while Temporal is down');
  await server.restart();
  const restartedAt = Date.now();

  const after = await testClient(server.address);
  try {
    for (const id of ids) assert.equal((await deliveryResult(after, id)).status, 'delivered');
  } finally {
    await after.connection.close();
  }
  const distinct = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
  assert.equal(distinct.size, COUNT);
  assert.equal(receiver.requests.length, COUNT * 2, 'one failed try and one retry each');
  const lastAt = Math.max(...receiver.requests.map((r) => r.receivedAt));
  console.log(`# fault 2 (${server.kind}): down ${restartedAt - killedAt} ms; ${COUNT} deliveries resumed, all delivered ${lastAt - restartedAt} ms after restart; ${receiver.requests.length} requests`);
});
