// `hrhooks worker`, `gateway` and `start` (the compiled bin, as a supervisor runs them): one that cannot
// do its job exits non-zero at once; SIGTERM ends each, whether it is still starting or running.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../dev-support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { sharedTemporalAddress, TEST_PAYLOAD_KEY } from '../support/temporal';
import { waitFor } from '../support/waitFor';
import { build, exitWithin, killAll, processesOf, spawnHrhooks, startSetup } from './startProcess';

const REFUSED_DB = 'postgres://hrhooks@127.0.0.1:1/hrhooks';
/** Generous against a loaded CI machine; the old code never exited at all. */
const BOUND_MS = 45_000;
let db: TestDatabase;
let temporalAddress: string;
let silent: net.Server;
let silentPort: number;
let silentConnections = 0;
const dataDirs: string[] = [];

function roleEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dataDir = fs.mkdtempSync(path.join(process.env.HRHOOKS_TEST_SCRATCH ?? '/tmp', 'hrhooks-exit-'));
  dataDirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HRHOOKS_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `exit-${process.pid}`,
    HRHOOKS_SECRET_KEY: 'process-exit-test-secret-key-0123456789',
    // one installation's payload key for every role (each role has a data dir of its own)
    HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY,
    HRHOOKS_ADMIN_KEY: 'hrk_admin_process_exit_test_key',
    HRHOOKS_PRODUCER_KEY: 'hrk_prod_process_exit_test_key',
    LOG_LEVEL: 'info',
    ...extra,
  };
  return env;
}

before(async () => {
  build();
  db = await createTestDatabase();
  temporalAddress = await sharedTemporalAddress();
  // A "database" that accepts connections and never answers: a start that hangs in its first query.
  silent = net.createServer((socket) => {
    silentConnections++;
    socket.on('error', () => undefined);
  });
  silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
});
after(async () => {
  await db.drop();
  silent.close();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a process that cannot do its job exits non-zero at once', () => {
  for (const role of ['worker', 'gateway'] as const) {
    it(`${role}: Postgres refuses the connection → exit 1`, async () => {
      const s = spawnHrhooks([role], roleEnv({ DATABASE_URL: REFUSED_DB, PORT: String(await freePort()) }));
      assert.deepEqual(await exitWithin(s, BOUND_MS, `${role} with a refused database`), { code: 1, signal: null }, s.output());
      assert.match(s.output(), /connection refused/, s.output());
    });
  }

  it('start: its given Postgres refuses → exit 1, the dev server it started stopped', async () => {
    const setup = await startSetup('hrhooks-exit-start-');
    dataDirs.push(setup.dataDir);
    const s = spawnHrhooks(['start'], { ...setup.env, DATABASE_URL: REFUSED_DB });
    assert.deepEqual(await exitWithin(s, BOUND_MS + 30_000, 'start with a refused database'), { code: 1, signal: null }, s.output());
    assert.match(s.output(), /hrhooks start: .*(ECONNREFUSED|connection refused)/, s.output());
    await waitFor('every process of the data dir to end', async () => processesOf(setup.dataDir).length === 0, 20_000);
  });
});

describe('SIGTERM always ends worker, gateway and start', () => {
  for (const role of ['worker', 'gateway'] as const) {
    it(`${role}: while it starts (its database never answers) → exits 143 at once`, async () => {
      const before = silentConnections;
      const s = spawnHrhooks([role], roleEnv({ DATABASE_URL: `postgres://hrhooks@127.0.0.1:${silentPort}/hrhooks`, PORT: String(await freePort()) }));
      await waitFor(`${role} to connect to the silent database`, async () => silentConnections > before, 30_000);
      process.kill(s.child.pid!, 'SIGTERM');
      // 143 is the signal's exit; a start that failed on its own (the 5 s connection timeout) would exit 1
      assert.deepEqual(await exitWithin(s, BOUND_MS, `${role} on SIGTERM while starting`), { code: 143, signal: null }, s.output());
    });

    it(`${role}: while it runs → stops and exits 0`, async () => {
      const s = spawnHrhooks([role], roleEnv({ DATABASE_URL: db.url, PORT: String(await freePort()) }));
      await s.waitForOutput(role === 'worker' ? /worker polling task queue/ : /gateway listening on/);
      process.kill(s.child.pid!, 'SIGTERM');
      assert.deepEqual(await exitWithin(s, BOUND_MS, `${role} on SIGTERM`), { code: 0, signal: null }, s.output());
    });
  }

  it('start: while it runs → stops everything and exits 0', async () => {
    const setup = await startSetup('hrhooks-exit-start-');
    dataDirs.push(setup.dataDir);
    const s = spawnHrhooks(['start'], setup.env);
    try {
      await s.waitForOutput(/producer key\s+\S+/);
      process.kill(s.child.pid!, 'SIGTERM');
      assert.deepEqual(await exitWithin(s, BOUND_MS + 60_000, 'start on SIGTERM'), { code: 0, signal: null }, s.output());
      await waitFor('every process of the data dir to end', async () => processesOf(setup.dataDir).length === 0, 20_000);
    } finally {
      killAll(processesOf(setup.dataDir));
    }
  });
});
