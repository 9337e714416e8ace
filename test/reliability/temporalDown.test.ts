// Producers never wait on Temporal: with the Temporal server stopped, POST /v1/events still answers
// 202 (the rows are the outbox, deliveries `pending`); once the server is back on the same SQLite file,
// the starter starts every event's workflow and each delivery reaches its receiver exactly once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { startEventStarter, type EventStarter } from '../../src/app/ingest/starter';
import { createLogger } from '../../src/infra/observability/log';
import { startDevServer, type DevServer } from '../../src/local/devServer';
import { api, employeeEvent } from '../gateway/harness';
import { freePort } from '../../dev-support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testBox, testClient, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const EVENTS = 10;
let db: TestDatabase;
let receiver: Receiver;
let dir: string;
let server: DevServer | null = null;
let worker: RunningWorker | null = null;
let starter: EventStarter | null = null;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-temporal-down-'));
});
after(async () => {
  await starter?.stop();
  await worker?.stop().catch(() => undefined);
  await server?.stop('SIGKILL');
  await receiver.close();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Temporal stopped: POST /v1/events answers 202 at once; deliveries go out after it restarts', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.sqlite');
  server = await startDevServer({ port, headless: true, dbFile });
  const taskQueue = uniqueTaskQueue('down');
  worker = await runTestWorker({ pool: db.pool, address: server.address, taskQueue });
  const client = await testClient(server.address);
  const log = createLogger('silent');
  starter = startEventStarter({ pool: db.pool, temporal: client, taskQueue, log }, { redriveIntervalMs: 1_000, redriveOlderThanMs: 0 });
  const app = createApp({ pool: db.pool, temporal: client, taskQueue, starter, box: testBox, config: loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32' }), log });
  const admin = (await createApiKey(db.pool, 'admin', 'a', 'default')).key;
  const producer = (await createApiKey(db.pool, 'producer', 'p', 'default')).key;
  const created = await api(app, admin).post('/v1/subscriptions', { name: 'std', url: `${receiver.url}/hook`, format: 'standard', events: '*' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  receiver.respondWith({ status: 200 });

  await server.stop('SIGKILL');
  const events = Array.from({ length: EVENTS }, (_, i) => employeeEvent('employee.updated', `down-${process.pid}-${i}`));
  const answered: number[] = [];
  for (const event of events) {
    const t0 = performance.now();
    const res = await api(app, producer).post('/v1/events', event);
    answered.push(performance.now() - t0);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.deliveries.map((d: { status: string }) => d.status), ['pending']);
  }
  const { rows } = await db.pool.query('SELECT count(*) FILTER (WHERE NOT workflow_started)::int AS unstarted FROM deliveries');
  assert.equal(rows[0].unstarted, EVENTS, 'stored, not started');
  const listed = await api(app, admin).get('/v1/deliveries?status=pending');
  assert.equal(listed.body.items.length, EVENTS, 'the API shows them pending');
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(receiver.requests.length, 0, 'nothing sent while Temporal is down');

  server = await startDevServer({ port, headless: true, dbFile });
  const restartedAt = Date.now();
  await receiver.waitForRequests(EVENTS, 90_000);
  await waitFor('every row marked started', async () => {
    const r = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE workflow_started AND status = 'delivered'`);
    return r.rows[0].n === EVENTS ? true : undefined;
  }, 30_000);
  await new Promise((r) => setTimeout(r, 1_500));
  const distinct = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
  assert.equal(distinct.size, EVENTS);
  assert.equal(receiver.requests.length, EVENTS, 'none twice');
  const slowest = Math.max(...answered);
  console.log(`# Temporal down: ${EVENTS} events answered 202 (slowest ${slowest.toFixed(0)} ms); all delivered ${Math.max(...receiver.requests.map((r) => r.receivedAt)) - restartedAt} ms after the restart`);
  await client.connection.close();
});
