// One event whose workflow start Temporal refuses for good never holds back the others. The poison is the
// issue's own: a search attribute value past the engine's 2 KiB limit, refused by the real server (hrhooks
// no longer sends one, so a client interceptor adds it to that one event's start, and its resync's): through a burst with a Temporal outage in the middle, every other
// accepted event is delivered once Temporal is back, and the refused event's deliveries end `failed`
// with the reason, on the to-do list; a resync says why (409, not "unreachable"), mark processed closes it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { startEventStarter, type EventStarter } from '../../src/app/ingest/starter';
import { createLogger } from '../../src/infra/observability/log';
import { startDevServer, type DevServer } from '../../src/local/devServer';
import { api, employeeEvent } from '../gateway/harness';
import { freePort } from '../../dev-support/ports';
import { insertSubscription } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testBox, testDataConverter, uniqueTaskQueue, type RunningWorker } from '../support/temporal';
import { eventWorkflowIdFor } from '../../src/domain/formats/identity';
import { eventTypeKey } from '../../workflows/searchAttributes';
import { waitFor } from '../support/waitFor';

/** Subscriptions of the poisoned event's type. */
const WIDE = 10;
// Sorts before the burst's ids, as the oldest: the old starter tried it first in every batch and pass.
const POISON = `0-poison-${process.pid}`;

/** A client whose start of the poisoned event's workflow carries a search attribute value the engine refuses. */
function poisoningInterceptor(): WorkflowClientInterceptor {
  return {
    async startWithDetails(input, next) {
      if (input.options.workflowId !== eventWorkflowIdFor(POISON, 'default')) return next(input);
      return next({ ...input, options: { ...input.options, typedSearchAttributes: [{ key: eventTypeKey, value: 'x'.repeat(3_000) }] } });
    },
  };
}
const BURST = 60;
let db: TestDatabase;
let receiver: Receiver;
let dir: string;
let server: DevServer | null = null;
let worker: RunningWorker | null = null;
let starter: EventStarter | null = null;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-start-refused-'));
});
after(async () => {
  await starter?.stop();
  await worker?.stop().catch(() => undefined);
  await server?.stop('SIGKILL');
  await receiver.close();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a start refused for good fails its event visibly and holds back no other event, through an outage', { timeout: 240_000 }, async () => {
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.sqlite');
  server = await startDevServer({ port, headless: true, dbFile });
  const taskQueue = uniqueTaskQueue('refused');
  const address = server.address;
  worker = await waitFor('a worker connects (the frontend answers before it is healthy)', () => runTestWorker({ pool: db.pool, address, taskQueue }), 30_000, 250);
  const client = new Client({ connection: await Connection.connect({ address }), interceptors: { workflow: [poisoningInterceptor()] }, dataConverter: testDataConverter });
  const logLines: string[] = [];
  const log = createLogger('info', 'gateway', { write: (line: string) => void logLines.push(line) });
  starter = startEventStarter({ pool: db.pool, temporal: client, taskQueue, log }, { redriveIntervalMs: 500, redriveOlderThanMs: 0, memoryRetries: 0 });
  const app = createApp({ pool: db.pool, temporal: client, taskQueue, starter, box: testBox, config: loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32' }), log });
  const admin = (await createApiKey(db.pool, 'admin', 'a', 'default')).key;
  const producer = (await createApiKey(db.pool, 'producer', 'p', 'default')).key;
  receiver.respondWith({ status: 200 });

  const wide = [];
  for (let i = 0; i < WIDE; i += 1) wide.push(await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/wide-${i}` }));
  await db.pool.query(`UPDATE subscriptions SET events = '["employee.created"]'::jsonb WHERE id = ANY($1)`, [wide.map((s) => s.id)]);
  const one = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/hook` });
  await db.pool.query(`UPDATE subscriptions SET events = '["employee.updated"]'::jsonb WHERE id = $1`, [one.id]);

  const poison = await api(app, producer).post('/v1/events', employeeEvent('employee.created', POISON));
  assert.equal(poison.status, 202, JSON.stringify(poison.body));
  assert.equal(poison.body.deliveries.length, WIDE);
  const failed = await waitFor('the refused event\'s deliveries failed, with the reason', async () => {
    const { rows } = await db.pool.query(`SELECT status, last_error FROM deliveries WHERE event_id = $1`, [POISON]);
    return rows.every((r) => r.status === 'failed') ? rows : undefined;
  }, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}; gateway log: ${logLines.join('')}`);
  });
  assert.match(failed[0].last_error, /Temporal refused the event's workflow start \(INVALID_ARGUMENT\)/);

  const events = Array.from({ length: BURST }, (_, i) => employeeEvent('employee.updated', `burst-${process.pid}-${i}`));
  for (const [i, event] of events.entries()) {
    if (i === BURST / 3) await server.stop('SIGKILL');
    const res = await api(app, producer).post('/v1/events', event);
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }
  await waitFor('every burst event counted as unstarted or started', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE event_id LIKE 'burst-%'`);
    return rows[0].n === BURST;
  });
  server = await startDevServer({ port, headless: true, dbFile });

  await waitFor('every burst event delivered', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE event_id LIKE 'burst-%' AND status = 'delivered'`);
    return rows[0].n === BURST;
  }, 120_000, 250);
  const hook = receiver.requests.filter((r) => r.path === '/hook');
  assert.equal(new Set(hook.map((r) => r.headers['webhook-id'])).size, BURST, 'each burst event reached its receiver');
  assert.equal(receiver.requests.filter((r) => r.path.startsWith('/wide-')).length, 0, 'the refused event sent nothing');

  const todo = await api(app, admin).get(`/v1/deliveries?status=failed&limit=200`);
  assert.equal(todo.status, 200, JSON.stringify(todo.body));
  assert.equal(todo.body.items.filter((d: { eventId: string }) => d.eventId === POISON).length, WIDE, 'on the to-do list');

  const target = poison.body.deliveries[0].id as string;
  const resync = await api(app, admin).post(`/v1/deliveries/${target}/resync`, {});
  assert.equal(resync.status, 409, JSON.stringify(resync.body));
  assert.match(resync.body.detail, /refused/);
  const marked = await api(app, admin).post(`/v1/deliveries/${target}/mark-processed`, { note: 'entered by hand' });
  assert.equal(marked.status, 202, JSON.stringify(marked.body));
  const { rows } = await db.pool.query('SELECT status, actions FROM deliveries WHERE id = $1', [target]);
  assert.equal(rows[0].status, 'processed');
  assert.equal(rows[0].actions.at(-1).note, 'entered by hand');

  // Deleting a subscription closes its refused delivery too (there is no workflow to cancel it).
  const other = poison.body.deliveries[1] as { id: string; subscriptionId: string };
  assert.equal((await api(app, admin).delete(`/v1/subscriptions/${other.subscriptionId}`)).status, 204);
  const cancelled = await db.pool.query('SELECT status FROM deliveries WHERE id = $1', [other.id]);
  assert.equal(cancelled.rows[0].status, 'cancelled');
  await client.connection.close();
});
