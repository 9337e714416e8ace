// The real Temporal server on Postgres, the way production runs it (src/local/realServer.ts; built by
// `scripts/setup.sh --test`): one server on the test cluster (4 history shards, SQL visibility), and the
// test files whose behaviour depends on the server rerun against it, unchanged: operator actions
// (resync, mark processed, cancel) through the workflow, the API and the CLI, the README's list
// queries, the worker-kill and server-restart faults (a private real server SIGKILLed and restarted),
// `hrhooks start` with HRHOOKS_TEMPORAL=server and the 60-second soak (each with a real server of its own). A missing binary fails here, saying how to build it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Connection } from '@temporalio/client';
import { dropRealServerDatabases, startRealServer, type RealServer } from '../../src/local/realServer';
import { clusterUrl } from '../support/postgres';

/** Rerun on the real server; each takes the shared server from TEMPORAL_TEST_ADDRESS, or starts its own of the kind HRHOOKS_TEST_TEMPORAL says. */
export const REAL_SERVER_FILES = [
  'test/workflows/operator.test.ts',
  'test/workflows/fanout.test.ts',
  'test/gateway/deliveries.test.ts',
  'test/cli/operator.test.ts',
  'test/start/start.test.ts',
  'test/temporal/listQueries.test.ts',
  'test/reliability/workerKill.test.ts',
  'test/reliability/temporalRestart.test.ts',
  'test/soak/soak.test.ts',
];

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;
let server: RealServer | null = null;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-real-temporal-'));
  const suffix = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  server = await startRealServer({
    postgresUrl: await clusterUrl(),
    dir,
    databases: { main: `temporal_rs_${suffix}`, visibility: `temporal_visibility_rs_${suffix}` },
  });
});
after(async () => {
  if (server) {
    await server.stop();
    await dropRealServerDatabases(server);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function runFiles(address: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_TEST_ADDRESS: address, HRHOOKS_TEST_TEMPORAL: 'server', NO_COLOR: '1' };
  // Set for files the test runner runs; node --test would otherwise refuse to run files from inside one.
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', '--test-timeout=600000', ...REAL_SERVER_FILES],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const take = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

test('operator, list-query, fault and soak tests pass on the real Temporal server (Postgres, 4 history shards)', { timeout: 900_000 }, async () => {
  const { code, output } = await runFiles(server!.address);
  process.stdout.write(output);
  const count = (what: string) => Number(new RegExp(`^ℹ ${what} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  assert.equal(count('fail'), 0, 'no test failed on the real server');
  assert.equal(count('cancelled'), 0);
  assert.equal(count('skipped'), 0, 'nothing skipped');
  assert.equal(count('todo'), 0);
  assert.ok(count('pass') >= REAL_SERVER_FILES.length * 2, `only ${count('pass')} tests passed`);
  assert.equal(code, 0);

  const connection = await Connection.connect({ address: server!.address });
  try {
    const { count: workflows } = await connection.workflowService.countWorkflowExecutions({ namespace: 'default', query: 'WorkflowType = "event"' });
    assert.ok(Number(workflows) >= 20, `the rerun files ran their event workflows on the real server (${workflows} found)`);
  } finally {
    await connection.close();
  }
});
