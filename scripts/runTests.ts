// The test runner behind `npm test`: starts one throwaway Postgres cluster and
// one Temporal dev server for the whole run (each test file still gets its own
// database and task queue), runs node's test runner over test/**, then tears
// everything down so nothing is left running. test/temporal/realServer.test.ts
// starts the real Temporal server on that cluster and reruns a set of files on it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalCluster } from '../src/local/localCluster';
import { TemporalBinaryMissing, temporalCliPath, temporalServerPath, temporalSqlToolPath, temporalTestServerPath } from '../src/local/binaries';
import { startDevServer } from '../src/local/devServer';
import { freePort } from '../dev-support/ports';

function listTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : listTests(full);
    return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** How long the test runner may linger after its summary before what it still waits for is killed. */
const STRAGGLER_GRACE_MS = Number(process.env.HRHOOKS_TEST_STRAGGLER_GRACE_MS ?? 30_000);

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
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
  const files = listTests(process.env.HRHOOKS_TEST_ROOT ?? 'test').filter((f) => filter.length === 0 || filter.some((p) => f.includes(p))).sort();
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
    // Its own process group, so that what a timed-out file leaves running can be ended with it (below).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${process.env.HRHOOKS_TEST_TIMEOUT_MS ?? '600000'}`, ...files],
      { stdio: ['inherit', 'pipe', 'inherit'], env, detached: true },
    );
    const forward = (signal: NodeJS.Signals) => killGroup(child.pid!, signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    return await new Promise<number>((resolve) => {
      let summary = '';
      let straggling: NodeJS.Timeout | undefined;
      child.stdout!.on('data', (chunk: Buffer) => {
        process.stdout.write(chunk);
        summary = (summary + chunk.toString('utf8')).slice(-4_000);
        // The runner's last line. It still waits for every file's process: one a timeout did not stop (a test
        // stuck in a call that never returns) would hold the whole run until CI's hard limit.
        if (!straggling && /^# duration_ms /m.test(summary)) {
          straggling = setTimeout(() => {
            console.error(`error: the test runner printed its summary ${STRAGGLER_GRACE_MS / 1000} s ago but has not exited: a test file it timed out is still running; killing its process group`);
            killGroup(child.pid!, 'SIGKILL');
          }, STRAGGLER_GRACE_MS);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(straggling);
        const failed = Number(/^# fail (\d+)$/m.exec(summary)?.[1] ?? 0) + Number(/^# cancelled (\d+)$/m.exec(summary)?.[1] ?? 0);
        resolve(code ?? (signal || failed > 0 ? 1 : 0));
      });
    });
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
