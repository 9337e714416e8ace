// The test runner behind `npm test`: starts one throwaway Postgres cluster and
// one Temporal dev server for the whole run (each test file still gets its own
// database and task queue), runs node's test runner over test/**, then tears
// everything down so nothing is left running. test/temporal/realServer.test.ts
// starts the real Temporal server on that cluster and reruns a set of files on it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalCluster } from '../src/db/localCluster';
import { TemporalBinaryMissing, temporalCliPath, temporalServerPath, temporalSqlToolPath, temporalTestServerPath } from '../src/temporal/binaries';
import { startDevServer } from '../src/temporal/devServer';
import { freePort } from '../dev-support/ports';

function listTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : listTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Fails fast, before anything starts, when a binary the selected files need is missing. */
function binariesMissing(files: string[]): string | null {
  try {
    temporalCliPath();
    temporalTestServerPath();
    if (files.some((f) => f.endsWith(path.join('temporal', 'realServer.test.ts')))) {
      temporalServerPath();
      temporalSqlToolPath();
    }
    return null;
  } catch (err) {
    if (err instanceof TemporalBinaryMissing) return err.message;
    throw err;
  }
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  const files = listTests('test').filter((f) => filter.length === 0 || filter.some((p) => f.includes(p))).sort();
  const missing = binariesMissing(files);
  if (missing) {
    console.error(`error: ${missing}`);
    return 1;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-test-'));
  fs.chmodSync(scratch, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, HRHOOKS_TEST_SCRATCH: scratch };
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(scratch, { recursive: true, force: true })];
  try {
    if (!process.env.DATABASE_URL) {
      const cluster = startLocalCluster({ dataDir: path.join(scratch, 'pg'), port: await freePort(), fsync: false, socketDir: path.join(scratch, 'pgsock') });
      cleanups.unshift(() => cluster.stop('immediate'));
      env.DATABASE_URL = cluster.url;
    }
    if (!process.env.TEMPORAL_TEST_ADDRESS) {
      const server = await startDevServer({ port: await freePort(), headless: true, logFile: path.join(scratch, 'temporal.log') });
      cleanups.unshift(() => server.stop());
      env.TEMPORAL_TEST_ADDRESS = server.address;
    }
    const concurrency = process.env.HRHOOKS_TEST_CONCURRENCY ?? '2';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=600000', ...files],
      { stdio: 'inherit', env },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  },
);
