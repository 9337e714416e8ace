// Temporal for tests: the shared dev server the test runner starts
// (TEMPORAL_TEST_ADDRESS) or a private one, a time-skipping environment, and a
// worker wired to a test database. A missing binary fails loudly, never skips.
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createSecretBox, type SecretBox } from '../../src/crypto/secretBox';
import { listenForAborts } from '../../src/db/abortChannel';
import { parseAllowlist } from '../../src/http/ssrfGuard';
import { createLogger, type Logger } from '../../src/log';
import { temporalTestServerPath } from '../../src/temporal/binaries';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { createDeliveryWorker } from '../../src/worker';
import { freePort } from '../../dev-support/ports';

let runtimeInstalled = false;

/** Quiet SDK logs; installed only by files that run a worker (an installed runtime holds the process open). */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: 'ERROR', forward: {} } } });
  } catch {
    // a runtime already exists (something started a worker or test server first): keep it
  }
}

export const TEST_SECRET_KEY = 'test-secret-key-for-hrhooks-tests';
export const testBox: SecretBox = createSecretBox(TEST_SECRET_KEY);

let privateServer: Promise<DevServer> | null = null;

export async function sharedTemporalAddress(): Promise<string> {
  if (process.env.TEMPORAL_TEST_ADDRESS) return process.env.TEMPORAL_TEST_ADDRESS;
  privateServer ??= (async () => {
    const server = await startDevServer({ port: await freePort(), headless: true });
    server.process.unref();
    process.once('exit', () => server.process.kill('SIGKILL'));
    return server;
  })();
  return (await privateServer).address;
}

export async function testClient(address?: string): Promise<Client> {
  const connection = await Connection.connect({ address: address ?? (await sharedTemporalAddress()) });
  return new Client({ connection, namespace: 'default' });
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** The database a test pool (createPool / createTestDatabase) connects to. */
function connectionStringOf(pool: Pool): string {
  const url = (pool as unknown as { options: { connectionString?: string } }).options.connectionString;
  if (!url) throw new Error('runTestWorker needs databaseUrl for a pool not made from a connection string');
  return url;
}

/**
 * Runs a delivery worker against a test database until stop() is called, listening for operator aborts
 * on that database (as the worker process does) so mark processed / cancel cut an in-flight attempt off.
 */
export async function runTestWorker(opts: {
  address?: string;
  connection?: NativeConnection;
  pool: Pool;
  /** The test database's URL (TestDatabase.url); defaults to the pool's. */
  databaseUrl?: string;
  taskQueue?: string;
  attemptTimeoutMs?: number;
  log?: Logger;
}): Promise<RunningWorker> {
  installQuietRuntime();
  const taskQueue = opts.taskQueue ?? uniqueTaskQueue();
  const log = opts.log ?? createLogger('silent');
  const aborts = listenForAborts(opts.databaseUrl ?? connectionStringOf(opts.pool), log);
  const { worker, connection, ownsConnection } = await createDeliveryWorker({
    aborts,
    connection: opts.connection,
    address: opts.connection ? undefined : opts.address ?? (await sharedTemporalAddress()),
    namespace: 'default',
    taskQueue,
    pool: opts.pool,
    box: testBox,
    allow: parseAllowlist('127.0.0.1/32'),
    attemptTimeoutMs: opts.attemptTimeoutMs ?? 5_000,
    connectTimeoutMs: 2_000,
    log,
  }).catch(async (err: unknown) => {
    await aborts.stop();
    throw err;
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await aborts.stop();
      if (ownsConnection) await connection.close();
    },
  };
}
