// Fault 3: a private Postgres is stopped (immediate) while a producer is posting events: the gateway
// answers 503 problem+json; once Postgres is back, the producer's retries with the same ids give exactly
// one delivery per subscription (the worker starts after the outage, so every receiver request is from ingest).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Express } from 'express';
import type { Pool } from 'pg';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { startLocalCluster, type LocalCluster } from '../../src/local/localCluster';
import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { createApp } from '../../src/interfaces/api/app';
import { createLogger } from '../../src/infra/observability/log';
import { api, employeeEvent } from '../gateway/harness';
import { freePort } from '../../dev-support/ports';
import { startReceiver, type Receiver, type RecordedRequest } from '../support/receiver';
import { runTestWorker, testBox, testClient, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const EVENTS = 30;
let dir: string;
let cluster: LocalCluster;
let pool: Pool;
let receiver: Receiver;

// Durable commits (fsync and synchronous_commit on, as in production): a 202 answers a committed event,
// and this test crashes Postgres right after some of them.
const startCluster = (port: number) =>
  startLocalCluster({ dataDir: path.join(dir, 'data'), port, socketDir: path.join(dir, 'sock'), fsync: true });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-pgfault-'));
  fs.chmodSync(dir, 0o755);
  cluster = startCluster(await freePort());
  pool = createPool(cluster.url, 10);
  await migrate(pool);
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  await pool.end().catch(() => undefined);
  cluster.stop('immediate');
  fs.rmSync(dir, { recursive: true, force: true });
});

function messageKey(r: RecordedRequest): string {
  const id = r.headers['webhook-id'] ?? JSON.parse(r.body.toString()).Id;
  return `${r.path} ${id}`;
}

test('Postgres stopped during ingest: 503, then the retry with the same id delivers exactly once per subscription', { timeout: 120_000 }, async () => {
  const client = await testClient();
  const taskQueue = uniqueTaskQueue('pgdown');
  const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32' });
  const app: Express = createApp({ pool, temporal: client, taskQueue, box: testBox, config, log: createLogger('silent') });
  const admin = (await createApiKey(pool, 'admin', 'a', 'default')).key;
  const producer = (await createApiKey(pool, 'producer', 'p', 'default')).key;
  for (const format of ['standard', 'aspnet']) {
    const res = await api(app, admin).post('/v1/subscriptions', { name: format, url: `${receiver.url}/${format}`, format, events: '*' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  const events = Array.from({ length: EVENTS }, (_, i) => employeeEvent('employee.updated', `pgdown-${process.pid}-${i}`));
  const outcome = new Map<string, number>();
  let next = 0;
  const post = async () => {
    for (let i = next++; i < EVENTS; i = next++) {
      if (i === 10) cluster.stop('immediate');
      const res = await api(app, producer).post('/v1/events', events[i]);
      assert.ok(res.status === 202 || res.status === 503, `status ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.status === 503) {
        assert.match(res.headers['content-type']!, /application\/problem\+json/);
        assert.equal(res.body.status, 503);
        assert.ok(res.headers['retry-after']);
      }
      outcome.set(events[i]!.id, res.status);
    }
  };
  await Promise.all([post(), post(), post(), post()]);
  const refused = [...outcome.values()].filter((s) => s === 503).length;
  assert.ok(refused >= EVENTS - 14, `most posts after the stop are refused (${refused} of ${EVENTS})`);

  cluster = startCluster(cluster.port);
  const retried = events.filter((e) => outcome.get(e.id) === 503).concat(events.slice(0, 3));
  for (const event of retried) {
    const res = await waitFor(`202 for ${event.id}`, async () => {
      const r = await api(app, producer).post('/v1/events', event);
      return r.status === 202 ? r : null;
    }, 30_000, 250);
    assert.equal(res.body.deliveries.length, 2);
  }
  const worker = await runTestWorker({ pool, taskQueue });
  try {
    await receiver.waitForRequests(EVENTS * 2, 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const distinct = new Set(receiver.requests.map(messageKey));
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM deliveries');
    console.log(`# fault 3: ${EVENTS} events, ${refused} answered 503 during the outage, ${retried.length} retried; ` +
      `receiver: ${distinct.size} distinct messages, ${receiver.requests.length} requests; ${rows[0].n} delivery rows`);
    assert.equal(distinct.size, EVENTS * 2);
    assert.equal(receiver.requests.length, EVENTS * 2, 'no duplicates');
    assert.equal(rows[0].n, EVENTS * 2);
  } finally {
    await worker.stop();
    await client.connection.close();
  }
});
