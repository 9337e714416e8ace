// Temporal for tests: the shared server the test runner starts (TEMPORAL_TEST_ADDRESS: the dev
// server, or the real server when test/temporal/realServer.test.ts reruns files on it) or a private
// one of the same kind (HRHOOKS_TEST_TEMPORAL=server: the real server on Postgres), a time-skipping
// environment, and a worker wired to a test database. A missing binary fails loudly, never skips.
import { configureDataKeys } from '../../src/infra/db/employeeKeys';
import type { ActivityDeps } from '../../activities';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createPayloadCodec } from '../../src/infra/crypto/payloadCodec';
import { createSecretBox, type SecretBox } from '../../src/infra/crypto/secretBox';
import { listenForAborts } from '../../src/infra/db/abortChannel';
import { parseAllowlist } from '../../src/infra/http/ssrfGuard';
import { createLogger, type Logger } from '../../src/infra/observability/log';
import { temporalTestServerPath } from '../../src/local/binaries';
import { startDevServer, type DevServer } from '../../src/local/devServer';
import { dropRealServerDatabases, launchRealServer, prepareRealServer, type RealServer } from '../../src/local/realServer';
import { hrhooksDataConverter } from '../../src/infra/temporal/dataConverter';
import { createDeliveryWorker } from '../../src/interfaces/worker/worker';
import { freePort } from '../../dev-support/ports';
import { clusterUrl } from './postgres';

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
/** The payload codec's key of every test client and worker (payloads in Temporal are encrypted in tests too). */
export const TEST_PAYLOAD_KEY = 'test-payload-key-for-hrhooks-tests-0123456789';
export const testCodec = createPayloadCodec(TEST_PAYLOAD_KEY);
// the test process's repositories seal personal data as the spawned gateways and workers do (issue 23)
configureDataKeys(TEST_PAYLOAD_KEY);
export const testDataConverter: DataConverter = hrhooksDataConverter(testCodec);

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

/** Which Temporal a test's private server is: the dev server (SQLite), or the real server on Postgres. */
export type TemporalKind = 'dev' | 'server';

export function testTemporalKind(): TemporalKind {
  return process.env.HRHOOKS_TEST_TEMPORAL === 'server' ? 'server' : 'dev';
}

/** A Temporal server of the test's own, on storage that survives kill(): restart() brings it back on the same address. */
export interface PrivateTemporal {
  kind: TemporalKind;
  address: string;
  /** SIGKILL (the whole process group for the real server): a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same storage and address; resolves once it is ready. */
  restart(): Promise<void>;
  /** Stops it and removes its storage (the real server's databases included). */
  close(): Promise<void>;
}

/** Starts a private Temporal of testTemporalKind() keeping its files in `dir` (the real server's databases go on the test cluster). */
export async function startPrivateTemporal(dir: string): Promise<PrivateTemporal> {
  if (testTemporalKind() === 'dev') {
    const port = await freePort();
    const dbFile = path.join(dir, 'temporal.sqlite');
    let server: DevServer = await startDevServer({ port, headless: true, dbFile });
    return {
      kind: 'dev',
      address: server.address,
      kill: () => server.stop('SIGKILL'),
      async restart() {
        server = await startDevServer({ port, headless: true, dbFile });
      },
      close: () => server.stop('SIGKILL'),
    };
  }
  const suffix = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  fs.mkdirSync(dir, { recursive: true });
  const setup = await prepareRealServer({
    postgresUrl: await clusterUrl(),
    dir,
    databases: { main: `temporal_t_${suffix}`, visibility: `temporal_visibility_t_${suffix}` },
  });
  let server: RealServer = await launchRealServer(setup);
  return {
    kind: 'server',
    address: setup.address,
    kill: () => server.kill(),
    async restart() {
      server = await launchRealServer(setup);
    },
    async close() {
      await server.stop();
      await dropRealServerDatabases(setup);
    },
  };
}

export async function testClient(address?: string): Promise<Client> {
  const connection = await Connection.connect({ address: address ?? (await sharedTemporalAddress()) });
  return new Client({ connection, namespace: 'default', dataConverter: testDataConverter });
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter: testDataConverter },
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
  /** Default: testDataConverter (the payload codec under TEST_PAYLOAD_KEY). */
  dataConverter?: DataConverter;
  /** Activity settings a test needs beyond the defaults (the admin webhook, the breaker's schedule). */
  activityOptions?: Pick<ActivityDeps, 'adminWebhookUrl' | 'breaker'>;
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
    dataConverter: opts.dataConverter ?? testDataConverter,
    taskQueue,
    pool: opts.pool,
    box: testBox,
    allow: parseAllowlist('127.0.0.1/32'),
    attemptTimeoutMs: opts.attemptTimeoutMs ?? 5_000,
    connectTimeoutMs: 2_000,
    log,
    ...opts.activityOptions,
  }).catch(async (err: unknown) => {
    await aborts.stop();
    throw err;
  });
  const running = worker.run();
  let stopped: Promise<void> | null = null;
  return {
    worker,
    taskQueue,
    /** Idempotent: a test may stop the worker early, and its harness stops it again at the end. */
    stop() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await aborts.stop();
        if (ownsConnection) await connection.close();
      })();
      return stopped;
    },
  };
}
