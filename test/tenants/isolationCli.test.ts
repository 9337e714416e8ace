// The isolation matrix, the CLI's part (issue 22): bin/hrhooks run as a child process with --tenant A (or
// HRHOOKS_TENANT=A) against real Postgres, Temporal, a worker and a receiver, naming tenant B's delivery,
// subscription and key ids: every command refuses (non-zero exit), no output shows B, and B's rows and event
// workflows are unchanged; lists in A show none of B's; `send` with A's producer key cannot post into B.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { queryState } from '../../src/infra/temporal/deliveryClient';
import { api, employeeEvent, eventually, leaveEvent, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY } from '../support/temporal';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
const A = 'acme-cli-a';
const B = 'bravo-cli-b';
const B_PERSON = 'Zenobia Clibravo';

interface Run { code: number; stdout: string; stderr: string }

describe('tenant isolation: the CLI acting in tenant A', () => {
  let h: Harness;
  let server: http.Server;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const b = { deliveries: [] as string[], failed: [] as string[], subscriptions: [] as string[], keys: [] as string[], events: [] as string[] };
  let aProducer: string;
  const needles: string[] = [];

  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env: { ...env, ...extraEnv }, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const bSnapshot = async () => {
    const rows: Record<string, unknown> = {};
    for (const table of ['subscriptions', 'events', 'deliveries', 'attempts', 'api_keys']) {
      rows[table] = (await h.db.pool.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY 1, 2`, [B])).rows;
    }
    rows.workflows = await Promise.all(b.deliveries.map((id) => queryState(h.temporal, id)));
    return JSON.stringify(rows);
  };
  const assertNoB = (run: Run, what: string, named: string) => {
    for (const needle of needles) {
      if (named.includes(needle)) continue;
      assert.ok(!`${run.stdout}${run.stderr}`.includes(needle), `${what} shows B's ${needle}: ${run.stdout}${run.stderr}`);
    }
  };

  before(async () => {
    h = await startHarness();
    server = http.createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-cli-iso-'));
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address, TEMPORAL_TASK_QUEUE: h.taskQueue,
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
      TEMPORAL_UI_URL: 'http://temporal-ui.test', HRHOOKS_DATA_DIR: dataDir, PORT: String((server.address() as AddressInfo).port),
    };
    await h.db.pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1), ($2, $2)', [A, B]);
    aProducer = (await createApiKey(h.db.pool, 'producer', 'cli-a-producer', A)).key;
    const bAdmin = await createApiKey(h.db.pool, 'admin', 'cli-b-admin-secretname', B);
    const bProducer = await createApiKey(h.db.pool, 'producer', 'cli-b-producer-secretname', B);
    b.keys.push(bAdmin.id, bProducer.id);
    h.receiver.respondWith((req) => (req.path.startsWith('/b-fail') ? { status: 500 } : { status: 200 }));
    for (const [name, extra] of [['b-ok', {}], ['b-fail', { retrySchedule: ['1s'], ordering: 'none' }]] as const) {
      const res = await api(h.app, bAdmin.key).post('/v1/subscriptions', { name: `${name}-secretname`, url: `${h.receiver.url}/${name}`, format: 'standard', events: '*', ...extra });
      assert.equal(res.status, 201, res.text);
      b.subscriptions.push(res.body.id);
    }
    for (const event of [leaveEvent('leave.approved', { ownerName: B_PERSON }), employeeEvent()]) {
      const res = await api(h.app, bProducer.key).post('/v1/events', event);
      assert.equal(res.status, 202, res.text);
      b.events.push(event.id);
      b.deliveries.push(...res.body.deliveries.map((d: { id: string }) => d.id));
    }
    b.failed.push(...b.deliveries.filter((id) => id.startsWith(`dlv_${b.subscriptions[1]}_`)));
    await eventually(async () => {
      const r = await h.db.pool.query("SELECT count(*) FILTER (WHERE status = 'failed')::int AS f, count(*) FILTER (WHERE status = 'delivered')::int AS d FROM deliveries WHERE tenant_id = $1", [B]);
      return r.rows[0].f === 2 && r.rows[0].d === 2 ? true : undefined;
    }, 30_000, "B's deliveries delivered and failed");
    needles.push(...b.deliveries, ...b.subscriptions, ...b.keys, ...b.events, B, B_PERSON, 'secretname');
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    await h?.close();
  });

  test("--tenant A (and HRHOOKS_TENANT=A) naming B's ids: refused, nothing of B shown, B unchanged", async () => {
    const before = await bSnapshot();
    const commands: string[][] = [
      ...b.deliveries.flatMap((id) => [['deliveries', 'show', id], ['deliveries', 'show', id, '--json']]),
      ...b.failed.flatMap((id) => [['resync', id, '--note', 'A tries B'], ['mark-processed', id, '--note', 'A tries B']]),
      ...b.subscriptions.map((id) => ['subscriptions', 'resume', id]),
      ...b.keys.map((id) => ['keys', 'revoke', id]),
    ];
    for (const args of commands) {
      for (const how of ['option', 'env'] as const) {
        const run = how === 'option' ? await cli(['--tenant', A, ...args]) : await cli(args, { HRHOOKS_TENANT: A });
        const what = `hrhooks ${args.join(' ')} in A (${how})`;
        assert.notEqual(run.code, 0, `${what} succeeded: ${run.stdout}`);
        assertNoB(run, what, args.join(' '));
      }
    }
    assert.deepEqual(JSON.parse(await bSnapshot()), JSON.parse(before), "B's rows and event workflows are unchanged");
  });

  test("lists in A show none of B's; resync --failed in A matches none of B's", async () => {
    const before = await bSnapshot();
    const lists: string[][] = [
      ['deliveries', 'list', '--json'], ['deliveries', 'list'], ['deliveries', 'list', '--q', B_PERSON, '--json'], ['deliveries', 'list', '--q', b.events[0]!, '--json'],
      ['deliveries', 'list', '--status', 'failed', '--json'], ['deliveries', 'list', '--subscription', b.subscriptions[1]!, '--json'],
      ['subscriptions', 'list', '--json'], ['subscriptions', 'list'], ['keys', 'list', '--json'], ['keys', 'list'],
      ['resync', '--failed', '--json'], ['resync', '--failed', '--subscription', b.subscriptions[1]!, '--json'],
    ];
    for (const args of lists) {
      const run = await cli(['--tenant', A, ...args]);
      const what = `hrhooks --tenant ${A} ${args.join(' ')}`;
      assert.equal(run.code, 0, `${what}: ${run.stderr}`);
      assertNoB(run, what, args.join(' '));
    }
    const json = (run: Run) => {
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      return JSON.parse(run.stdout);
    };
    const resynced = json(await cli(['--tenant', A, 'resync', '--failed', '--json']));
    assert.equal(resynced.matched, 0, JSON.stringify(resynced));
    // the same lists in B show B's rows: the lists above are not empty by accident
    const bSubs = json(await cli(['--tenant', B, 'subscriptions', 'list', '--json']));
    assert.deepEqual((bSubs.items ?? bSubs).map((s: { id: string }) => s.id).sort(), [...b.subscriptions].sort());
    const bKeys = json(await cli(['--tenant', B, 'keys', 'list', '--json']));
    assert.deepEqual((bKeys.items ?? bKeys).map((k: { id: string }) => k.id).sort(), [...b.keys].sort());
    assert.deepEqual(JSON.parse(await bSnapshot()), JSON.parse(before));
  });

  test("send with A's producer key: into A; naming B (--tenant B): refused, nothing stored in B", async () => {
    const before = await bSnapshot();
    const file = path.join(dataDir, 'event.json');
    fs.writeFileSync(file, JSON.stringify(employeeEvent('employee.updated')));
    const own = await cli(['send', file, '--key', aProducer, '--json']);
    assert.equal(own.code, 0, own.stderr);
    const stored = await h.db.pool.query('SELECT tenant_id FROM events WHERE id = $1', [JSON.parse(fs.readFileSync(file, 'utf8')).id]);
    assert.deepEqual(stored.rows.map((r) => r.tenant_id), [A]);
    fs.writeFileSync(file, JSON.stringify(employeeEvent('employee.updated')));
    for (const run of [await cli(['--tenant', B, 'send', file, '--key', aProducer]), await cli(['send', file, '--key', aProducer], { HRHOOKS_TENANT: B })]) {
      assert.notEqual(run.code, 0, run.stdout);
      assert.match(`${run.stdout}${run.stderr}`, /404/);
    }
    assert.deepEqual(JSON.parse(await bSnapshot()), JSON.parse(before));
  });
});
