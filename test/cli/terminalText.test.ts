// Issue 20 #17: producer-controlled text (an event id, an employee name) carrying escape sequences, line
// breaks, C1 controls or bidi overrides reaches the terminal escaped in every human output of the CLI
// (send, deliveries list, deliveries show), and unchanged in --json. The CLI runs as a child process
// (bin/hrhooks) against a gateway listening on a socket, with real Postgres, Temporal, worker and receiver.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { terminalSafe, terminalValue } from '../../src/interfaces/cli/terminalText';
import { listen, type RunningGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testBox } from '../support/temporal';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
/** What must never reach a terminal raw: C0 but the line feed, DEL, C1, U+2028/2029, bidi marks and overrides. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE_ID = `evt-\u001b[2J\u001b[31mRED\u009b1m-\u202egnp.exe-${process.pid}`;
/** An admin's subscription name that hides the rest of the line (ESC [8m: conceal). */
const SUBSCRIPTION_NAME = 'people\u001b[8m';
const HOSTILE_NAME = 'Ada\nhrhooks: all deliveries delivered\r\u2028Lovelace\u007f\u2066';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the CLI escapes control characters in producer text (issue 20 #17)', () => {
  let h: Harness;
  let gateway: RunningGateway;
  let env: NodeJS.ProcessEnv;
  let deliveryId: string;
  const cli = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const assertNoRawControl = (run: Run, what: string) => {
    assert.doesNotMatch(run.stdout, RAW_CONTROL, `${what} stdout: ${JSON.stringify(run.stdout)}`);
    assert.doesNotMatch(run.stderr, RAW_CONTROL, `${what} stderr: ${JSON.stringify(run.stderr)}`);
  };

  before(async () => {
    h = await startHarness();
    gateway = await listen(
      { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') },
      { port: 0, host: '127.0.0.1' },
    );
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address,
      TEMPORAL_TASK_QUEUE: h.taskQueue, HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, TEMPORAL_UI_URL: 'http://temporal-ui.test',
      HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-cli-terminal-')), HRHOOKS_PRODUCER_KEY: h.producerKey,
    };
    const created = await api(h.app, h.adminKey).post('/v1/subscriptions', { name: SUBSCRIPTION_NAME, url: `${h.receiver.url}/people`, format: 'standard', events: '*' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const event = { id: HOSTILE_ID, type: 'employee.created', occurredAt: '2026-03-01T09:00:00Z', data: { id: 'E-1', name: HOSTILE_NAME } };
    assert.equal((await api(h.app, h.producerKey).post('/v1/events', event)).status, 202);
    deliveryId = await eventually(async () => {
      const r = await h.db.pool.query("SELECT id FROM deliveries WHERE event_id = $1 AND status = 'delivered'", [HOSTILE_ID]);
      return r.rows[0]?.id as string | undefined;
    }, 20_000, 'the hostile event delivered');
  });
  after(async () => {
    await gateway?.stop();
    await h?.close();
    fs.rmSync(env.HRHOOKS_DATA_DIR!, { recursive: true, force: true });
  });

  test('send prints the accepted event id escaped', async () => {
    const file = path.join(env.HRHOOKS_DATA_DIR!, 'event.json');
    const event = { id: `${HOSTILE_ID}-sent`, type: 'employee.created', occurredAt: '2026-03-01T09:00:00Z', data: { id: 'E-2', name: 'Grace' } };
    fs.writeFileSync(file, JSON.stringify(event));
    const sent = await cli('send', file, '--url', gateway.url);
    assert.equal(sent.code, 0, sent.stderr);
    assertNoRawControl(sent, 'send');
    assert.match(sent.stdout, /^accepted evt-\\u001b\[2J\\u001b\[31mRED\\u009b1m-\\u202egnp\.exe-\d+-sent: 1 delivery$/m);
  });

  test('deliveries list shows the subscription name escaped, each delivery on one row', async () => {
    const list = await cli('deliveries', 'list', '--q', HOSTILE_ID);
    assert.equal(list.code, 0, list.stderr);
    assertNoRawControl(list, 'deliveries list');
    assert.equal(list.stdout.trimEnd().split('\n').length, 2, list.stdout);
    assert.match(list.stdout, /people\\u001b\[8m/);
  });

  test('deliveries show escapes the event id and the employee name, each on its own line', async () => {
    const show = await cli('deliveries', 'show', deliveryId);
    assert.equal(show.code, 0, show.stderr);
    assertNoRawControl(show, 'deliveries show');
    assert.ok(show.stdout.includes(`  event        evt-\\u001b[2J\\u001b[31mRED\\u009b1m-\\u202egnp.exe-${process.pid} (employee.created)\n`), show.stdout);
    assert.ok(show.stdout.includes(`  subject      Ada\\nhrhooks: all deliveries delivered\\r\\u2028Lovelace\\u007f\\u2066 #E-1\n`), show.stdout);
    assert.doesNotMatch(show.stdout, /^hrhooks: all deliveries delivered/m, 'no line forged by the producer');
  });

  test('deliveries show links the Temporal Web UI only when there is one (issue 20 item 22)', async () => {
    const shown = await cli('deliveries', 'show', deliveryId);
    assert.ok(shown.stdout.includes('  temporal     http://temporal-ui.test/namespaces/'), shown.stdout);
    const saved = env;
    env = { ...env, HRHOOKS_TEMPORAL: 'server', TEMPORAL_UI_URL: undefined };
    try {
      const server = await cli('deliveries', 'show', deliveryId);
      assert.equal(server.code, 0, server.stderr);
      assert.ok(server.stdout.includes('  temporal     no Web UI (Temporal server mode: set TEMPORAL_UI_URL to yours)\n'), server.stdout);
      const json = JSON.parse((await cli('deliveries', 'show', deliveryId, '--json')).stdout) as { temporalUrl: string | null };
      assert.equal(json.temporalUrl, null);
    } finally {
      env = saved;
    }
  });

  test('--json output is valid JSON holding the values exactly', async () => {
    const show = await cli('deliveries', 'show', deliveryId, '--json');
    assert.equal(show.code, 0, show.stderr);
    assertNoRawControl(show, 'deliveries show --json');
    const parsed = JSON.parse(show.stdout) as { eventId: string; subject: { name: string } };
    assert.equal(parsed.eventId, HOSTILE_ID);
    assert.equal(parsed.subject.name, HOSTILE_NAME);
  });
});

test('the rule: line ends of our own output are kept (LF, CRLF); a lone CR, ESC, C1, DEL and bidi are escaped', () => {
  assert.equal(terminalSafe('a\r\nb\rc\n\u001b[1m\u009b\u007f\u202e'), 'a\r\nb\\u000dc\n\\u001b[1m\\u009b\\u007f\\u202e');
  assert.equal(terminalValue('a\r\nb\t\u2028'), 'a\\r\\nb\\t\\u2028');
});

test('preview piped into verify stays byte for byte, control characters in the event included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-preview-exact-'));
  const file = path.join(dir, 'event.json');
  fs.writeFileSync(file, JSON.stringify({ id: 'e\u009b1', type: 'employee.created', occurredAt: '2026-03-01T09:00:00Z', data: { id: 1, name: 'A\u202eB\u007f' } }));
  const run = (args: string[], input?: string) => spawnSync(BIN, args, { input, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: os.tmpdir() } });
  const printed = run(['preview', file, '--format', 'standard', '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
  assert.equal(printed.status, 0, printed.stderr);
  assert.ok(printed.stdout.includes('A\u202eB\u007f'), 'piped: the exact bytes');
  const verified = run(['verify', '--format', 'standard', '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], printed.stdout);
  assert.equal(verified.stdout, 'valid\n', verified.stderr);
  fs.rmSync(dir, { recursive: true, force: true });
});
