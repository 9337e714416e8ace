// Issue 20 item 20: `hrhooks subscriptions create` next to a running instance is decided by that instance's
// rules (its HRHOOKS_EGRESS_ALLOW), not the CLI's environment: the CLI finds the gateway and the admin key in the
// data dir (instance.json, bootstrap-keys.json) like after `npm start`, sends, and reports the server's verdict.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from '../../src/interfaces/cli/context';
import { writeInstance } from '../../src/interfaces/cli/instance';
import { main } from '../../src/interfaces/cli/main';
import { loadConfig } from '../../src/infra/config';
import { listen, type RunningGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { startHarness, type Harness } from '../gateway/harness';
import { TEST_SECRET_KEY, testBox } from '../support/temporal';

let h: Harness;

/** A gateway on the harness's database with the given egress rules, and a data dir that points the CLI at it. */
async function instance(egressAllow: string | undefined): Promise<{ gateway: RunningGateway; dataDir: string }> {
  const config = loadConfig(egressAllow ? { HRHOOKS_EGRESS_ALLOW: egressAllow } : {});
  const gateway = await listen(
    { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config, log: createLogger('silent') },
    { port: 0, host: '127.0.0.1' },
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-cli-create-'));
  writeInstance({ dataDir }, { gatewayUrl: gateway.url, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address, TEMPORAL_UI_URL: 'http://ui.test' });
  fs.writeFileSync(path.join(dataDir, 'bootstrap-keys.json'), JSON.stringify({ admin: h.adminKey, producer: h.producerKey }), { mode: 0o600 });
  return { gateway, dataDir };
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readFile: (p) => fs.readFileSync(p), readStdin: () => '', env };
  return { code: await main(args, io), stdout, stderr };
}

const createArgs = (url: string) => ['subscriptions', 'create', '--name', 'local receiver', '--url', url, '--format', 'standard', '--events', '*',
  '--header', 'X-Api-Key=k-do-not-print', '--json'];

describe('hrhooks subscriptions create: the running instance decides', () => {
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('a loopback URL is accepted when the instance allows it, whatever the CLI\'s own environment', async () => {
    const { gateway, dataDir } = await instance('127.0.0.1/32');
    try {
      const created = await cli(createArgs(`${h.receiver.url}/local`), { PATH: process.env.PATH, HRHOOKS_DATA_DIR: dataDir });
      assert.equal(created.code, 0, created.stderr);
      const sub = JSON.parse(created.stdout);
      assert.equal(sub.url, `${h.receiver.url}/local`);
      assert.match(sub.secret, /^whsec_/);
      assert.deepEqual(sub.headers, { 'X-Api-Key': '[set]' });
      assert.doesNotMatch(created.stdout, /k-do-not-print/);
      const stored = await h.db.pool.query('SELECT count(*)::int AS n FROM subscriptions WHERE id = $1', [sub.id]);
      assert.equal(stored.rows[0].n, 1);
      // `subscriptions list` (reads Postgres): the header's name, never its value (issue 20 item 9).
      const listEnv = { PATH: process.env.PATH, HRHOOKS_DATA_DIR: dataDir, DATABASE_URL: h.db.url, HRHOOKS_SECRET_KEY: TEST_SECRET_KEY };
      const json = await cli(['subscriptions', 'list', '--json'], listEnv);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout).items.find((s: { id: string }) => s.id === sub.id).headers, { 'X-Api-Key': '[set]' });
      const table = await cli(['subscriptions', 'list'], listEnv);
      assert.match(table.stdout, /^ID\s+STATE\s+FORMAT\s+NAME\s+URL\s+EVENTS\s+HEADERS\s+ERROR/);
      assert.match(table.stdout.split('\n').find((l) => l.startsWith(sub.id))!, /\benabled\b.*X-Api-Key/);
      for (const out of [json.stdout, table.stdout]) assert.doesNotMatch(out, /k-do-not-print/);
    } finally {
      await gateway.stop();
    }
  });

  test('refused, with the server\'s reason on the --url option, when the instance does not allow it (even if the CLI\'s environment would)', async () => {
    const { gateway, dataDir } = await instance(undefined);
    try {
      const refused = await cli(createArgs(`${h.receiver.url}/local`), {
        PATH: process.env.PATH, HRHOOKS_DATA_DIR: dataDir, HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
      });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /^hrhooks subscriptions: --url: .*HRHOOKS_EGRESS_ALLOW/);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      const bad = await cli(['subscriptions', 'create', '--name', 'x', '--url', 'https://r.example/h', '--format', 'standard', '--events', '*',
        '--header', 'Expect=100-continue'], { PATH: process.env.PATH, HRHOOKS_DATA_DIR: dataDir });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--header Expect: Expect cannot be set/);
    } finally {
      await gateway.stop();
    }
  });

  test('no running gateway: one line saying which gateway was tried, nothing created', async () => {
    const { gateway, dataDir } = await instance('127.0.0.1/32');
    await gateway.stop();
    const before = (await h.db.pool.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n;
    const res = await cli(createArgs(`${h.receiver.url}/local`), { PATH: process.env.PATH, HRHOOKS_DATA_DIR: dataDir });
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`^hrhooks subscriptions: cannot reach the gateway at ${gateway.url.replace(/[.]/g, '\\.')}`));
    assert.equal(res.stderr.trim().split('\n').length, 1);
    assert.equal((await h.db.pool.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n, before);
  });
});
