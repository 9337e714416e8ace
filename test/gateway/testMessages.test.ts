// Test messages and the demo leave no mess (issue 12), against real Postgres, Temporal, worker and receiver:
// a subscription filtered to leave.approved receives hrhooks.test from its test endpoint, rendered in each
// format as the README documents; producers cannot post hrhooks.test; `npm run demo` (scripts/demo.ts, run
// as a child process against a harness gateway on a socket) removes its subscriptions and prints the real outcome.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { msSignature } from '../../src/signing/signature';
import { api, eventually, startHarness, type Harness } from './harness';

let h: Harness;

async function subscribe(format: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret?: string }> {
  const res = await api(h.app, h.adminKey).post('/v1/subscriptions', {
    name: `test-message ${format}`, url: `${h.receiver.url}/${format}`, format, events: ['leave.approved'], ...extra,
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Sends the test message; returns the request the receiver got and the delivery's final record. */
async function sendTest(subscriptionId: string, receiverPath: string) {
  const res = await api(h.app, h.adminKey).post(`/v1/subscriptions/${subscriptionId}/test`, {});
  assert.equal(res.status, 202, res.text);
  const received = await eventually(async () => h.receiver.requests.find((r) => r.path === receiverPath), 20_000, `test message at ${receiverPath}`);
  const delivery = await eventually(async () => {
    const d = await api(h.app, h.adminKey).get(`/v1/deliveries/${res.body.deliveryId}`);
    return d.body.status === 'delivered' ? d.body : undefined;
  }, 20_000, 'test delivery delivered');
  assert.equal(delivery.eventType, 'hrhooks.test');
  assert.equal(delivery.subscriptionId, subscriptionId);
  return { received, eventId: res.body.eventId as string };
}

describe('subscription test messages', () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('lucca: X-Event: test and an empty array, reaching a leave.approved-only subscription in approved mode', async () => {
    const sub = await subscribe('lucca', { mode: 'approved', authorization: 'Basic dGVzdDp0ZXN0' });
    const { received } = await sendTest(sub.id, '/lucca');
    assert.equal(received.headers['authorization'], 'Basic dGVzdDp0ZXN0');
    assert.equal(received.headers['x-version'], '1');
    assert.equal(received.headers['x-resource-type'], 'leave');
    assert.equal(received.headers['x-event'], 'test');
    assert.equal(received.headers['content-type'], 'application/json');
    assert.equal(received.body.toString('utf8'), '[]');
  });

  test('aspnet: one HrhooksTest notification, signed with MS-Signature', async () => {
    const secret = 'OLgCtvLZU4h9GYzZgamuYGdn4e7Zk651';
    const sub = await subscribe('aspnet', { secret, properties: { tenant: 'acme' } });
    const { received } = await sendTest(sub.id, '/aspnet');
    assert.equal(received.headers['ms-signature'], msSignature(secret, received.body));
    const text = received.body.toString('utf8');
    assert.match(text, /^\{\r\n {2}"Id": "[0-9a-f]{32}",\r\n/);
    assert.deepEqual(JSON.parse(text).Notifications, [
      { Action: 'HrhooksTest', Type: 'Test Message from Application', SubscriptionId: sub.id },
    ]);
    assert.equal(JSON.parse(text).Attempt, 1);
    assert.deepEqual(JSON.parse(text).Properties, { tenant: 'acme' });
  });

  test('standard: type hrhooks.test, verified by the standardwebhooks library', async () => {
    const sub = await subscribe('standard');
    const { received } = await sendTest(sub.id, '/standard');
    const headers = Object.fromEntries(Object.entries(received.headers).map(([k, v]) => [k, String(v)]));
    const payload = new Webhook(sub.secret!).verify(received.body.toString('utf8'), headers) as Record<string, unknown>;
    assert.equal(payload.type, 'hrhooks.test');
    assert.deepEqual(payload.data, { message: 'Test Message from Application', subscriptionId: sub.id });
    assert.match(String(headers['webhook-id']), /^msg_/);
  });

  test('a producer posting hrhooks.test is refused with 422 naming type, and nothing is stored', async () => {
    const id = `evt-reserved-${Date.now()}`;
    const res = await api(h.app, h.producerKey).post('/v1/events', {
      id, type: 'hrhooks.test', occurredAt: '2024-01-01T00:00:00Z', data: { message: 'hi', subscriptionId: 'sub_x' },
    });
    assert.equal(res.status, 422, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const problem = JSON.parse(res.text);
    assert.deepEqual(problem.errors.map((e: { field: string }) => e.field), ['type']);
    assert.match(problem.errors[0].message, /reserved/);
    const stored = await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE id = $1', [id]);
    assert.equal(stored.rows[0].n, 0);
  });
});

describe('npm run demo against a running gateway', () => {
  let server: http.Server;
  let port: number;
  let dataDir: string;

  before(async () => {
    h = await startHarness();
    server = http.createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-demo-'));
    fs.writeFileSync(path.join(dataDir, 'bootstrap-keys.json'), JSON.stringify({ admin: h.adminKey, producer: h.producerKey }));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
    await h.close();
  });

  /** Runs scripts/demo.ts with only the data dir to find its keys (as the CLI would); `onLine` may interrupt it. */
  function runDemo(args: string[], onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/demo.ts'), ...args], {
      cwd: path.join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), HRHOOKS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString('utf8');
      for (const line of out.slice(before.lastIndexOf('\n') + 1).split('\n').slice(0, -1)) onLine?.(line, (s) => child.kill(s));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    return new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) => {
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, lines: out.trimEnd().split('\n'), stderr: err });
      });
    });
  }

  async function demoSubscriptions(): Promise<{ id: string; enabled: boolean; deleted: boolean }[]> {
    const { rows } = await h.db.pool.query(
      "SELECT id, enabled, deleted_at IS NOT NULL AS deleted FROM subscriptions WHERE name LIKE 'demo %' ORDER BY created_at");
    return rows;
  }

  async function clearDemoSubscriptions(): Promise<void> {
    await h.db.pool.query("UPDATE subscriptions SET name = 'earlier ' || name WHERE name LIKE 'demo %'");
  }

  test('runs to the end, removes its subscriptions and reports every delivery delivered (exit 0)', async () => {
    h.receiver.requests.length = 0;
    const run = await runDemo(['--exit', '--timeout', '60']);
    const last = run.lines.at(-1)!;
    assert.equal(run.code, 0, `${run.lines.join('\n')}\n${run.stderr}`);
    assert.equal(last, 'outcome: 13 of 13 delivered; its 3 subscriptions removed');
    assert.ok(run.lines.some((l) => /^done: 13 of 13 delivered\.$/.test(l)));
    const subs = await demoSubscriptions();
    assert.equal(subs.length, 3);
    assert.ok(subs.every((s) => s.deleted && !s.enabled), JSON.stringify(subs));
    await clearDemoSubscriptions();
  });

  test('on timeout it reports what was really delivered (exit 1), never "all delivered"', async () => {
    const run = await runDemo(['--exit', '--timeout', '2', '--fail-first', '1000']);
    const last = run.lines.at(-1)!;
    assert.equal(run.code, 1, run.lines.join('\n'));
    assert.match(last, /^outcome: 0 of 13 delivered, 13 not finished \(pending, delivering or retrying\); its 3 subscriptions removed$/);
    assert.ok(run.lines.some((l) => l.startsWith('gave up watching after 2 s')));
    assert.ok(!run.lines.some((l) => /all .*delivered/.test(l)));
    assert.ok((await demoSubscriptions()).every((s) => s.deleted && !s.enabled));
    await clearDemoSubscriptions();
  });

  test('Ctrl-C while it watches removes its subscriptions and exits 130 with the outcome so far', async () => {
    let interrupted = false;
    const run = await runDemo(['--exit', '--fail-first', '1000'], (line, kill) => {
      if (!interrupted && line.startsWith('watching the deliveries')) {
        interrupted = true;
        kill('SIGINT');
      }
    });
    assert.ok(interrupted, run.lines.join('\n'));
    assert.equal(run.code, 130, run.lines.join('\n'));
    assert.match(run.lines.at(-1)!, /^interrupted: 0 of 13 delivered, .*; its 3 subscriptions removed$/);
    const subs = await demoSubscriptions();
    assert.equal(subs.length, 3);
    assert.ok(subs.every((s) => s.deleted && !s.enabled), JSON.stringify(subs));
    await clearDemoSubscriptions();
  });
});
