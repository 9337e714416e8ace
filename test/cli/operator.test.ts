// The operator CLI run as a child process (bin/hrhooks) against real Postgres, Temporal, worker and
// receiver: resync and mark-processed signal workflows directly; list, show, subscriptions, keys, send.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listen, type RunningGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { api, employeeEvent, eventually, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testBox } from '../support/temporal';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('hrhooks operator CLI', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let failSub: string;
  const cli = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const statusOf = async (id: string) => (await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [id])).rows[0]?.status;
  const waitStatus = (id: string, status: string) =>
    eventually(async () => ((await statusOf(id)) === status ? true : undefined), 15_000, `${id} ${status}`);

  before(async () => {
    h = await startHarness();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: h.db.url,
      TEMPORAL_ADDRESS: h.address,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY,
      HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY,
      HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
      TEMPORAL_UI_URL: 'http://temporal-ui.test',
      HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-cli-')),
    };
    h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 503 } : { status: 200 }));
    const created = await api(h.app, h.adminKey).post('/v1/subscriptions', {
      name: 'flaky', url: `${h.receiver.url}/fail`, format: 'standard', events: '*', retrySchedule: ['1s'],
    });
    failSub = created.body.id;
    for (let i = 0; i < 4; i++) await api(h.app, h.producerKey).post('/v1/events', employeeEvent());
    await eventually(async () => {
      const r = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'failed'");
      return r.rows[0].n === 4 ? true : undefined;
    }, 20_000, '4 failed');
  });
  after(() => h.close());

  const failedIds = async () =>
    (await h.db.pool.query("SELECT id FROM deliveries WHERE status = 'failed' ORDER BY id")).rows.map((r) => r.id as string);

  test('deliveries list and show', async () => {
    const list = await cli('deliveries', 'list', '--status', 'failed', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).items.length, 4);
    const human = await cli('deliveries', 'list', '--subscription', failSub);
    const lines = human.stdout.trim().split('\n');
    assert.equal(lines.length, 5, 'a header and one row per delivery');
    assert.match(lines[0]!, /^ID\s+EVENT\s+SUBSCRIPTION\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/);
    assert.equal(lines[1]!.indexOf('failed'), lines[0]!.indexOf('STATUS'), 'aligned columns');
    assert.match(human.stdout, /failed/);
    const [id] = await failedIds();
    const show = await cli('deliveries', 'show', id!);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /attempt 1 .* HTTP 503/);
    assert.match(show.stdout, new RegExp(`temporal-ui.test/namespaces/default/workflows/${workflowIdOf(id)}`), 'links the event\'s workflow');
    const json = JSON.parse((await cli('deliveries', 'show', id!, '--json')).stdout);
    assert.equal(json.attempts.length, 2);
    assert.equal(json.live.state.status, 'failed');
  });

  test('resync <id> and mark-processed <id> signal the workflow (no gateway involved)', async () => {
    const [first, second] = await failedIds();
    h.receiver.respondWith({ status: 200 });
    const resync = await cli('resync', first!, '--by', 'alice');
    assert.equal(resync.code, 0, resync.stderr);
    assert.match(resync.stdout, /resync requested/);
    await waitStatus(first!, 'delivered');
    const marked = await cli('mark-processed', second!, '--note', 'handled in payroll', '--by', 'bob');
    assert.equal(marked.code, 0, marked.stderr);
    await waitStatus(second!, 'processed');
    const { rows } = await h.db.pool.query('SELECT actions FROM deliveries WHERE id = $1', [second]);
    assert.ok(rows[0].actions.some((a: { by: string; note: string }) => a.by === 'bob' && a.note === 'handled in payroll'));
    h.receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 503 } : { status: 200 }));
  });

  test('resync --failed --subscription resyncs the rest in bulk', async () => {
    h.receiver.respondWith({ status: 200 });
    const res = await cli('resync', '--failed', '--subscription', failSub, '--json');
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.equal(out.matched, 2);
    assert.equal(out.signalled, 2);
    await eventually(async () => ((await failedIds()).length === 0 ? true : undefined), 15_000, 'none failed');
  });

  test('resync --failed --since a date Postgres would refuse (year 0000, 30 February) is a usage error naming --since', async () => {
    for (const since of ['0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z']) {
      const res = await cli('resync', '--failed', '--since', since);
      assert.equal(res.code, 2, `${since}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, /--since must be a date-time like/);
      assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack');
    }
  });

  test('failures: one line, no stack, non-zero exit', async () => {
    const unknown = await cli('resync', 'dlv_nope_nothing');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^hrhooks resync: delivery dlv_nope_nothing has no open workflow/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
    const noNote = await cli('mark-processed', 'dlv_x');
    assert.equal(noNote.code, 2);
    assert.match(noNote.stderr, /--note is required/);
    const bogus = await cli('frobnicate');
    assert.equal(bogus.code, 2);
    const noDb = await new Promise<Run>((resolve) =>
      execFile(BIN, ['deliveries', 'list'], { env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
    );
    assert.equal(noDb.code, 1);
    assert.equal(noDb.stderr.trim().split('\n').length, 1);
  });

  test('subscriptions create/list, keys create, send', async () => {
    // `subscriptions create` goes through the running gateway (its rules decide): one listens for the whole test.
    const gateway = await listen(
      { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') },
      { port: 0, host: '127.0.0.1' },
    );
    env = { ...env, PORT: new URL(gateway.url).port, HOST: '127.0.0.1', HRHOOKS_ADMIN_KEY: h.adminKey };
    try {
      await createListKeysSend(gateway);
    } finally {
      await gateway.stop();
    }
  });

  async function createListKeysSend(gateway: RunningGateway): Promise<void> {
    const created = await cli('subscriptions', 'create', '--name', 'cli-sub', '--url', `${h.receiver.url}/cli`, '--format', 'aspnet',
      '--events', 'employee.created,employee.updated', '--retry', '1m,10m', '--json');
    assert.equal(created.code, 0, created.stderr);
    const sub = JSON.parse(created.stdout);
    assert.equal(sub.secret.length, 32);
    const bad = await cli('subscriptions', 'create', '--name', 'x', '--url', 'ftp://x', '--format', 'aspnet', '--events', '*');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--url/);
    const policy = await cli('subscriptions', 'create', '--name', 'limited', '--url', `${h.receiver.url}/limited`, '--format', 'standard',
      '--events', 'payrun.finalised', '--ordering', 'resource', '--collapse', '--max-per-second', '5', '--max-in-flight', '2', '--pause-after-failures', '3', '--json');
    assert.equal(policy.code, 0, policy.stderr);
    const limited = JSON.parse(policy.stdout);
    assert.deepEqual([limited.ordering, limited.collapse, limited.maxPerSecond, limited.maxInFlight, limited.pauseAfterFailures], ['resource', true, 5, 2, 3]);
    const badRate = await cli('subscriptions', 'create', '--name', 'x', '--url', `${h.receiver.url}/x`, '--format', 'lucca', '--events', '*',
      '--authorization', 'Basic eDp5', '--collapse', '--max-per-second', 'fast');
    assert.equal(badRate.code, 2);
    assert.match(badRate.stderr, /--max-per-second/);
    await h.db.pool.query(`INSERT INTO flow_control (subscription_id, consecutive_failures, paused_at) VALUES ($1, 10, now())`, [limited.id]);
    const resumed = await cli('subscriptions', 'resume', limited.id);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed/);
    const flow = await h.db.pool.query('SELECT paused_at, consecutive_failures FROM flow_control WHERE subscription_id = $1', [limited.id]);
    assert.deepEqual(flow.rows[0], { paused_at: null, consecutive_failures: 0 });
    assert.match((await cli('subscriptions', 'resume', limited.id)).stdout, /was not paused/);
    assert.equal((await cli('subscriptions', 'resume', 'sub_nope')).code, 1);
    const list = JSON.parse((await cli('subscriptions', 'list', '--json')).stdout);
    assert.ok(list.items.some((s: { id: string; secret?: string }) => s.id === sub.id && s.secret === undefined));
    assert.doesNotMatch((await cli('subscriptions', 'list')).stdout, new RegExp(sub.secret));

    const key = JSON.parse((await cli('keys', 'create', '--scope', 'producer', '--name', 'payroll', '--json')).stdout);
    assert.match(key.key, /^hrk_/);
    assert.equal((await cli('keys', 'create', '--scope', 'root', '--name', 'x')).code, 2);

    {
      const file = path.join(env.HRHOOKS_DATA_DIR!, 'event.json');
      fs.writeFileSync(file, JSON.stringify(employeeEvent('employee.updated')));
      const before = h.receiver.requests.length;
      const sent = await cli('send', file, '--url', gateway.url, '--key', key.key);
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /accepted .*: 2 deliveries/);
      await h.receiver.waitForRequests(before + 2, 15_000);
      const refused = await cli('send', file, '--url', gateway.url, '--key', 'hrk_wrong');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /401/);
    }
  }
});
