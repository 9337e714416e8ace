// `npm run demo` (scripts/demo.ts) run as a child process next to a "running instance" (a harness gateway on a
// socket, its Postgres and Temporal, a real subscription to every event, its keys in its data dir, and the environment
// pointing at all of it): the demo runs its own all-in-one, so the instance's receiver gets nothing and its database
// sees no demo event or subscription (issue 20 item 5). Its last line is the real outcome, however it ends.
// It works in a tenant of its own, deleted when it ends (issue 22 item 8): given the running instance's gateway and a
// platform key (--gateway), the instance's `default` subscription to every event still receives nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';

describe('npm run demo next to a running instance', () => {
  let h: Harness;
  let server: http.Server;
  let port: number;
  let dataDir: string;

  before(async () => {
    h = await startHarness();
    server = http.createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-user-'));
    fs.writeFileSync(path.join(dataDir, 'bootstrap-keys.json'), JSON.stringify({ admin: h.adminKey, producer: h.producerKey }));
    const real = await api(h.app, h.adminKey).post('/v1/subscriptions', { name: 'real leave tool', url: `${h.receiver.url}/real`, format: 'standard', events: '*' });
    assert.equal(real.status, 201, real.text);
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    await h?.close();
  });

  /** Runs scripts/demo.ts with the environment of the running instance; `onLine` may interrupt it. */
  function runDemo(args: string[], onLine?: (line: string, kill: (s: NodeJS.Signals) => void) => void, extraEnv: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/demo.ts'), ...args], {
      cwd: path.join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), HRHOOKS_DATA_DIR: dataDir,
        DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address, HRHOOKS_ADMIN_KEY: h.adminKey, HRHOOKS_PRODUCER_KEY: h.producerKey, LOG_LEVEL: 'warn',
        ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
        ...(process.env.PG_BIN_DIR ? { PG_BIN_DIR: process.env.PG_BIN_DIR } : {}),
        ...extraEnv,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString('utf8');
      for (const line of out.slice(before.lastIndexOf('\n') + 1).split('\n').slice(0, -1)) onLine?.(line, (s) => child.kill(s));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    return new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) => {
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, lines: out.trimEnd().split('\n'), stderr: err });
      });
    });
  }

  /** Nothing of the demo reached the running instance: no request, no event, no subscription, no file in its data dir. */
  async function assertUntouched(lines: string[]): Promise<void> {
    assert.deepEqual(h.receiver.requests.map((r) => r.path), [], 'the real subscription received nothing');
    const events = await h.db.pool.query('SELECT count(*)::int AS n FROM events');
    assert.equal(events.rows[0].n, 0, 'no event in the instance\'s database');
    const subs = await h.db.pool.query("SELECT count(*)::int AS n FROM subscriptions WHERE name LIKE 'demo %'");
    assert.equal(subs.rows[0].n, 0, 'no demo subscription in the instance\'s database');
    assert.deepEqual(fs.readdirSync(dataDir), ['bootstrap-keys.json'], 'the instance\'s data dir is untouched');
    const own = /temporary data dir (\S+?)\)?;/.exec(lines.find((l) => l.includes('temporary data dir')) ?? '')?.[1];
    assert.ok(own && own !== dataDir, lines.join('\n'));
    assert.equal(fs.existsSync(own), false, 'the demo deleted its own data dir');
  }

  test('runs its own instance to the end (exit 0); the running instance receives nothing', async () => {
    const run = await runDemo(['--exit', '--timeout', '90']);
    assert.equal(run.code, 0, `${run.lines.join('\n')}\n${run.stderr}`);
    assert.equal(run.lines.at(-1), 'outcome: 13 of 13 delivered; its tenant demo deleted');
    assert.ok(run.lines.includes('created the tenant demo: the demo\'s subscriptions and events live there, apart from every other tenant\'s'), run.lines.join('\n'));
    assert.ok(run.lines.some((l) => /^done: 13 of 13 delivered\.$/.test(l)));
    assert.ok(!run.lines.some((l) => l.includes(`:${port}`)), 'never names the running instance\'s gateway');
    await assertUntouched(run.lines);
  });

  test('on timeout it reports what was really delivered (exit 1), never "all delivered"', async () => {
    const run = await runDemo(['--exit', '--timeout', '2', '--fail-first', '1000']);
    assert.equal(run.code, 1, run.lines.join('\n'));
    assert.match(run.lines.at(-1)!, /^outcome: 0 of 13 delivered, 13 not finished \(pending, delivering or retrying\); its tenant demo deleted$/);
    assert.ok(run.lines.some((l) => l.startsWith('gave up watching after 2 s')));
    assert.ok(!run.lines.some((l) => /all .*delivered/.test(l)));
    await assertUntouched(run.lines);
  });

  test('Ctrl-C while it watches stops its instance and exits 130 with the outcome so far', async () => {
    let interrupted = false;
    const run = await runDemo(['--exit', '--fail-first', '1000'], (line, kill) => {
      if (!interrupted && line.startsWith('watching the deliveries')) {
        interrupted = true;
        kill('SIGINT');
      }
    });
    assert.ok(interrupted, run.lines.join('\n'));
    assert.equal(run.code, 130, run.lines.join('\n'));
    assert.match(run.lines.at(-1)!, /^interrupted: 0 of 13 delivered, .*; its tenant demo deleted$/);
    await assertUntouched(run.lines);
  });

  /** The demo ran in its own tenant on the instance: deleted now, nothing of it open, nothing in `default`. */
  async function assertOwnTenantGone(lines: string[]): Promise<string> {
    const tenant = /created the tenant (demo-[0-9a-f]{6}):/.exec(lines.join('\n'))?.[1];
    assert.ok(tenant, lines.join('\n'));
    assert.deepEqual(h.receiver.requests.map((r) => r.path), [], 'the default subscription to every event received nothing');
    const defaults = await h.db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = 'default'");
    assert.equal(defaults.rows[0].n, 0, 'no demo event in the default tenant');
    const row = await h.db.pool.query('SELECT deleted_at FROM tenants WHERE id = $1', [tenant]);
    assert.ok(row.rows[0]?.deleted_at, `the tenant ${tenant} is deleted`);
    const own = await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant]);
    assert.equal(own.rows[0].n, 5, 'its 5 events went to its own tenant');
    const elsewhere = await h.db.pool.query(
      'SELECT count(*)::int AS n FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.tenant_id = $1 AND s.tenant_id <> $1', [tenant]);
    assert.equal(elsewhere.rows[0].n, 0, 'none of its deliveries is to another tenant\'s subscription');
    await eventually(async () => {
      const open = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status NOT IN ('delivered', 'processed', 'cancelled', 'superseded')", [tenant]);
      return open.rows[0].n === 0 ? true : undefined;
    }, 30_000, 'every delivery of the deleted tenant closed');
    return tenant;
  }

  test('--gateway with a platform key: runs in a tenant of its own there, the default subscription receives nothing, the tenant is deleted (exit 0)', async () => {
    const platform = await createApiKey(h.db.pool, 'platform', 'demo test platform', null);
    const run = await runDemo(['--exit', '--timeout', '90', '--gateway', `http://127.0.0.1:${port}`], undefined, { HRHOOKS_DEMO_PLATFORM_KEY: platform.key });
    assert.equal(run.code, 0, `${run.lines.join('\n')}\n${run.stderr}`);
    assert.match(run.lines.at(-1)!, /^outcome: 13 of 13 delivered; its tenant demo-[0-9a-f]{6} deleted$/);
    await assertOwnTenantGone(run.lines);
  });

  test('--gateway, Ctrl-C while it watches: its tenant is deleted (open deliveries cancelled), exit 130; default received nothing', async () => {
    const platform = await createApiKey(h.db.pool, 'platform', 'demo test platform 2', null);
    let interrupted = false;
    const run = await runDemo(['--exit', '--fail-first', '1000', '--gateway', `http://127.0.0.1:${port}`], (line, kill) => {
      if (!interrupted && line.startsWith('watching the deliveries')) {
        interrupted = true;
        kill('SIGINT');
      }
    }, { HRHOOKS_DEMO_PLATFORM_KEY: platform.key });
    assert.ok(interrupted, run.lines.join('\n'));
    assert.equal(run.code, 130, run.lines.join('\n'));
    assert.match(run.lines.at(-1)!, /^interrupted: 0 of 13 delivered, .*; its tenant demo-[0-9a-f]{6} deleted$/);
    const tenant = await assertOwnTenantGone(run.lines);
    const cancelled = await h.db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'cancelled'", [tenant]);
    assert.equal(cancelled.rows[0].n, 13, 'its 13 open deliveries were cancelled with the tenant');
  });
});
