// The upgrade into tenants (issue 22): a database at the schema before tenants (011), with open deliveries made by
// the old code's real gateway and worker (a copy of the tree before tenants, test/tenants/support/oldPathDriver.ts):
// retrying, failed, queued behind an earlier event of its resource, held by a paused subscription. Migrated to the
// latest schema, every row is in `default` with its delivery and workflow ids unchanged; today's worker takes the
// running workflows over (their histories, begun by the old code, replay), each delivery is then delivered or acted
// on through the API with the old admin key (now a platform key, on routes that name no tenant), and the old
// producer key posts events as before.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client as PgClient, type Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { deliveryIdFor, eventWorkflowIdFor, parseDeliveryId } from '../../src/domain/formats/identity';
import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { createLogger } from '../../src/infra/observability/log';
import { loadConfig } from '../../src/infra/config';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { workflowBundle } from '../../src/infra/temporal/workflowBundle';
import { createApp } from '../../src/interfaces/api/app';
import { api, eventually } from '../gateway/harness';
import { clusterUrl } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, sharedTemporalAddress, testBox, testClient, testDataConverter, uniqueTaskQueue, type RunningWorker } from '../support/temporal';

/** The last commit before tenants (a73acd8 added them). */
const BEFORE_TENANTS = 'ccf33e810c0a3b4db13ce52abd2e06258024e702';
const REPO = path.join(__dirname, '../..');
const DRIVER = 'test/tenants/support/oldPathDriver.ts';
const TENANT_TABLES = ['subscriptions', 'events', 'deliveries', 'attempts'];

interface OldPath {
  applied: string[];
  adminKey: string;
  adminKeyId: string;
  producerKey: string;
  producerKeyId: string;
  subscriptions: Record<'retrying' | 'failed' | 'ordered' | 'paused', string>;
  deliveries: Record<'retrying' | 'failed' | 'orderedFirst' | 'orderedSecond' | 'pausedFirst' | 'pausedSecond', string>;
}

/**
 * The tree before tenants, in a scratch dir sharing this tree's node_modules and Temporal binaries. It comes from
 * a fixture (`git archive BEFORE_TENANTS src workflows activities migrations dev-support test/support package.json
 * tsconfig.json | gzip -9 -n`), not from git, so a shallow clone runs it too.
 */
function oldTree(dir: string): void {
  execFileSync('tar', ['-xzf', path.join(REPO, 'test/tenants/fixtures/before-tenants.tar.gz'), '-C', dir]);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  if (fs.existsSync(path.join(REPO, '.tools'))) fs.symlinkSync(path.join(REPO, '.tools'), path.join(dir, '.tools'));
  fs.mkdirSync(path.join(dir, path.dirname(DRIVER)), { recursive: true });
  fs.copyFileSync(path.join(REPO, DRIVER), path.join(dir, DRIVER));
}

function runOldPath(dir: string, input: Record<string, string>): Promise<OldPath> {
  const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify(input)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as OldPath);
      else reject(new Error(`the old path exited ${code}: ${out}\n${err}`));
    });
  });
}

describe('upgrade of a database with open deliveries into tenants', () => {
  let scratch: string;
  let dbName: string;
  let dbUrl: string;
  let pool: Pool;
  let receiver: Receiver;
  let temporal: Client;
  let worker: RunningWorker | undefined;
  let old: OldPath;
  let broken = true;
  const taskQueue = uniqueTaskQueue('upgrade');
  let before011: { deliveries: { id: string; status: string; event_id: string }[]; events: string[]; keys: Record<string, unknown>[] };

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-upgrade-'));
    oldTree(scratch);
    const base = await clusterUrl();
    dbName = `hrhooks_upgrade_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    const admin = new PgClient({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    receiver = await startReceiver();
    receiver.respondWith(() => (broken ? { status: 500, body: 'down' } : { status: 200 }));
    const address = await sharedTemporalAddress();
    temporal = await testClient(address);
    old = await runOldPath(scratch, { databaseUrl: dbUrl, temporalAddress: address, taskQueue, receiverUrl: receiver.url });
    pool = createPool(dbUrl, 10);
    before011 = {
      deliveries: (await pool.query('SELECT id, status, event_id FROM deliveries ORDER BY id')).rows,
      events: (await pool.query('SELECT id FROM events ORDER BY id')).rows.map((r) => r.id),
      keys: (await pool.query('SELECT id, scope, key_hash FROM api_keys ORDER BY id')).rows,
    };
  });
  after(async () => {
    await worker?.stop();
    await pool?.end();
    await temporal?.connection.close();
    await receiver?.close();
    if (dbName) {
      const admin = new PgClient({ connectionString: await clusterUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('the old code made its open deliveries on the schema before tenants', async () => {
    assert.ok(old.applied.every((f) => Number(f.slice(0, 3)) <= 11), old.applied.join(', '));
    assert.ok(old.applied.some((f) => f.startsWith('011_')), old.applied.join(', '));
    const columns = await pool.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE column_name = 'tenant_id'");
    assert.equal(columns.rows[0].n, 0, 'no tenant_id column yet');
    const statuses = Object.fromEntries(before011.deliveries.map((d) => [d.id, d.status]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(old.deliveries).map(([k, id]) => [k, statuses[id]])),
      { retrying: 'retrying', failed: 'failed', orderedFirst: 'failed', orderedSecond: 'queued', pausedFirst: 'retrying', pausedSecond: 'queued' },
    );
  });

  test('migrated to the latest schema: every row in `default`, delivery and workflow ids unchanged, keys kept', async () => {
    const applied = await migrate(pool);
    assert.ok(applied.includes('012_tenants.sql'), applied.join(', '));
    for (const table of TENANT_TABLES) {
      const other = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE tenant_id = 'default')::int AS d FROM ${table}`);
      assert.ok(other.rows[0].n > 0, `${table} has rows`);
      assert.equal(other.rows[0].d, other.rows[0].n, `every ${table} row is in default`);
    }
    const after = (await pool.query('SELECT id, status, event_id FROM deliveries ORDER BY id')).rows;
    assert.deepEqual(after, before011.deliveries, 'the same deliveries, ids and statuses');
    assert.deepEqual((await pool.query('SELECT id FROM events ORDER BY id')).rows.map((r) => r.id), before011.events);
    for (const d of after) {
      assert.equal(workflowIdOf(d.id), eventWorkflowIdFor(d.event_id, 'default'), `${d.id}'s workflow id is the one the old code started`);
      assert.equal(d.id, deliveryIdFor(parseDeliveryId(d.id)!.subscriptionId, d.event_id, 'default'), `${d.id} is default's id for its event`);
      const described = await temporal.workflow.getHandle(workflowIdOf(d.id)!).describe();
      assert.equal(described.status.name, 'RUNNING', `${d.id}'s workflow runs on`);
    }
    const keys = (await pool.query('SELECT id, scope, tenant_id, key_hash FROM api_keys ORDER BY id')).rows;
    assert.deepEqual(keys.map((k) => k.key_hash), before011.keys.map((k) => k.key_hash), 'the same keys');
    assert.deepEqual(keys.find((k) => k.id === old.adminKeyId), { id: old.adminKeyId, scope: 'platform', tenant_id: null, key_hash: before011.keys.find((k) => k.id === old.adminKeyId)!.key_hash });
    assert.equal(keys.find((k) => k.id === old.producerKeyId).scope, 'producer');
    assert.equal(keys.find((k) => k.id === old.producerKeyId).tenant_id, 'default');
  });

  test("today's worker and gateway: each open delivery is delivered or acted on with the old keys, unchanged", { timeout: 180_000 }, async () => {
    const log = createLogger('silent');
    worker = await runTestWorker({ pool, databaseUrl: dbUrl, taskQueue, address: await sharedTemporalAddress(), log });
    const app = createApp({ pool, temporal, taskQueue, box: testBox, config: loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32' }), log });
    const platform = api(app, old.adminKey);
    const statusOf = async (id: string) => (await pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status as string;
    const waitStatus = (id: string, status: string) => eventually(async () => ((await statusOf(id)) === status ? true : undefined), 60_000, `${id} ${status}`);
    const d = old.deliveries;
    broken = false;

    await waitStatus(d.retrying, 'delivered');

    const listed = await platform.get('/v1/deliveries?status=failed');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body.items.map((i: { id: string }) => i.id).sort(), [d.failed, d.orderedFirst].sort(), 'the platform key sees default\'s deliveries on /v1/deliveries');
    const detail = await platform.get(`/v1/deliveries/${d.failed}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.live.workflowStatus, 'RUNNING');
    const resync = await platform.post(`/v1/deliveries/${d.failed}/resync`, { note: 'receiver fixed after the upgrade' });
    assert.equal(resync.status, 202, resync.text);
    await waitStatus(d.failed, 'delivered');

    assert.equal((await platform.post(`/v1/deliveries/${d.orderedSecond}/resync`, {})).status, 409, 'still behind the earlier event of its resource');
    const processed = await platform.post(`/v1/deliveries/${d.orderedFirst}/mark-processed`, { note: 'handled by hand before the upgrade' });
    assert.equal(processed.status, 202, processed.text);
    await waitStatus(d.orderedFirst, 'processed');
    await waitStatus(d.orderedSecond, 'delivered');

    const resumed = await platform.post(`/v1/subscriptions/${old.subscriptions.paused}/resume`, {});
    assert.equal(resumed.status, 202, resumed.text);
    assert.equal((await platform.post(`/v1/deliveries/${d.pausedFirst}/resync`, { note: 'after resume' })).status, 202);
    await waitStatus(d.pausedFirst, 'delivered');
    await waitStatus(d.pausedSecond, 'delivered');

    const dashboard = await platform.get('/v1/dashboard');
    assert.equal(dashboard.status, 200, dashboard.text);
    assert.equal(dashboard.body.counts.failed ?? 0, 0);

    // The old producer key posts exactly as before; its deliveries get default's ids (those of before tenants).
    const event = { id: 'after-upgrade-1', type: 'employee.created', occurredAt: '2026-03-01T00:00:00Z', data: { id: 99, firstName: 'New', lastName: 'Event' } };
    const accepted = await api(app, old.producerKey).post('/v1/events', event);
    assert.equal(accepted.status, 202, accepted.text);
    assert.deepEqual(accepted.body.deliveries.map((x: { id: string }) => x.id), [deliveryIdFor(old.subscriptions.retrying, event.id, 'default')]);
    await waitStatus(accepted.body.deliveries[0].id, 'delivered');
    const tenantOf = await pool.query('SELECT tenant_id FROM events WHERE id = $1', [event.id]);
    assert.equal(tenantOf.rows[0].tenant_id, 'default');
  });

  // Today's worker encodes its payloads (the payload codec); the old code's were plain: the histories hold both.
  test('the upgraded workflows\' histories (begun by the old code, continued by today\'s) replay on today\'s workflow code', async () => {
    const workflowIds = [...new Set(before011.deliveries.map((d) => workflowIdOf(d.id)!))];
    const histories = await Promise.all(workflowIds.map(async (workflowId) => ({ workflowId, history: await temporal.workflow.getHandle(workflowId).fetchHistory() })));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), dataConverter: testDataConverter }, histories)) results.push(result);
    assert.equal(results.length, workflowIds.length);
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
  });
});
