// Issue 20 #22 (CLI part): with no TEMPORAL_ADDRESS and no instance.json (outside the repository, or next to
// a stopped instance) the CLI used to fall back to 127.0.0.1:$TEMPORAL_PORT (7233 by default), which may be
// some other Temporal: it now refuses, saying where it looked and how to choose one. Here that "other Temporal"
// is the shared test dev server, made the fallback by pointing TEMPORAL_PORT at it. bin/hrhooks as a child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, employeeEvent, eventually, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY } from '../support/temporal';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the CLI never guesses a Temporal address (issue 20 #22)', () => {
  let h: Harness;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let deliveryId: string;
  const cli = (extra: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env: { ...env, ...extra }, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    h = await startHarness();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-no-instance-'));
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: h.db.url, HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY,
      TEMPORAL_TASK_QUEUE: h.taskQueue, HRHOOKS_DATA_DIR: dataDir, TEMPORAL_PORT: h.address.split(':').pop(),
    };
    h.receiver.respondWith(() => ({ status: 200 }));
    const created = await api(h.app, h.adminKey).post('/v1/subscriptions', { name: 'n', url: `${h.receiver.url}/n`, format: 'standard', events: '*' });
    assert.equal(created.status, 201);
    const accepted = await api(h.app, h.producerKey).post('/v1/events', employeeEvent());
    deliveryId = accepted.body.deliveries[0].id;
    await eventually(async () => ((await h.db.pool.query('SELECT status FROM deliveries WHERE id = $1', [deliveryId])).rows[0]?.status === 'delivered' ? true : undefined), 20_000, 'delivered');
  });
  after(async () => {
    await h?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const refusedWithoutAddress = (run: Run, what: string) => {
    assert.equal(run.code, 1, `${what}: ${run.code} ${run.stdout} ${run.stderr}`);
    assert.equal(run.stdout, '', `${what} did nothing`);
    assert.ok(run.stderr.includes(`TEMPORAL_ADDRESS is not set and no running instance was found (${path.join(dataDir, 'instance.json')} does not exist)`), run.stderr);
    assert.match(run.stderr, /set TEMPORAL_ADDRESS=HOST:PORT/);
  };

  test('resync --failed and mark-processed refuse instead of signalling the Temporal on the default port', async () => {
    refusedWithoutAddress(await cli({}, 'resync', '--failed'), 'resync --failed');
    refusedWithoutAddress(await cli({}, 'resync', deliveryId), 'resync');
    refusedWithoutAddress(await cli({}, 'mark-processed', deliveryId, '--note', 'done by hand'), 'mark-processed');
  });

  test('deliveries show says the live state was not read, and why', async () => {
    const show = await cli({}, 'deliveries', 'show', deliveryId);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^ {2}live state {3}not read \(TEMPORAL_ADDRESS is not set and no running instance was found/m);
  });

  test('an explicit TEMPORAL_ADDRESS is used', async () => {
    const run = await cli({ TEMPORAL_ADDRESS: h.address }, 'resync', '--failed');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^resync requested for 0 of 0 failed deliveries$/m);
    const show = await cli({ TEMPORAL_ADDRESS: h.address }, 'deliveries', 'show', deliveryId);
    assert.match(show.stdout, /status {7}delivered \(workflow COMPLETED\)/);
  });
});
