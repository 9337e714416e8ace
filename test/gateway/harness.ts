// Shared set-up for gateway tests: a fresh database, the shared Temporal dev server, a real worker on a
// unique task queue, a recording receiver, the app (supertest, no socket) and captured log lines.
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { loadConfig, type Config } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { createLogger } from '../../src/infra/observability/log';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, sharedTemporalAddress, testBox, testClient, uniqueTaskQueue, type RunningWorker } from '../support/temporal';

export interface Harness {
  db: TestDatabase;
  temporal: Client;
  address: string;
  taskQueue: string;
  worker: RunningWorker;
  receiver: Receiver;
  config: Config;
  logLines: string[];
  /** The worker's log lines (pino JSON, level info). */
  workerLogLines: string[];
  app: Express;
  adminKey: string;
  producerKey: string;
  appWith(over: { temporal?: Client; env?: Record<string, string> }): Express;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, opts: { attemptTimeoutMs?: number } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const address = await sharedTemporalAddress();
  const temporal = await testClient(address);
  const taskQueue = uniqueTaskQueue('gw');
  const workerLogLines: string[] = [];
  const workerLog = createLogger('info', 'worker', { write: (line: string) => void workerLogLines.push(line) });
  const worker = await runTestWorker({ pool: db.pool, databaseUrl: db.url, taskQueue, address, attemptTimeoutMs: opts.attemptTimeoutMs, log: workerLog });
  const receiver = await startReceiver();
  const logLines: string[] = [];
  const log = createLogger('info', 'gateway', { write: (line: string) => void logLines.push(line) });
  const configOf = (extra: Record<string, string>) =>
    loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', TEMPORAL_UI_URL: 'http://temporal-ui.test', ...env, ...extra });
  const config = configOf({});
  const admin = await createApiKey(db.pool, 'admin', 'test-admin', 'default');
  const producer = await createApiKey(db.pool, 'producer', 'test-producer', 'default');
  const appWith: Harness['appWith'] = (over) =>
    createApp({ pool: db.pool, temporal: over.temporal ?? temporal, taskQueue, box: testBox, config: configOf(over.env ?? {}), log });
  return {
    db, temporal, address, taskQueue, worker, receiver, config, logLines, workerLogLines, adminKey: admin.key, producerKey: producer.key,
    app: appWith({}),
    appWith,
    async close() {
      await receiver.close();
      await worker.stop();
      await temporal.connection.close();
      await db.drop();
    },
  };
}

/** A Temporal client whose server never answers (a closed port): every call fails as "unavailable". */
export function unreachableTemporal(): Client {
  return new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }), namespace: 'default' });
}

export const as = (key: string) => ({ authorization: `Bearer ${key}` });

export function api(app: Express, key: string) {
  return {
    get: (path: string) => request(app).get(path).set(as(key)),
    post: (path: string, body?: unknown) => request(app).post(path).set(as(key)).send(body as object),
    patch: (path: string, body: unknown) => request(app).patch(path).set(as(key)).send(body as object),
    delete: (path: string) => request(app).delete(path).set(as(key)),
  };
}

let counter = 0;

export function leaveEvent(type: string, over: { id?: string; isConfirmed?: boolean; ownerName?: string } = {}) {
  counter += 1;
  return {
    id: over.id ?? `evt-${process.pid}-${Date.now()}-${counter}`,
    type,
    occurredAt: '2018-04-04T22:34:47.797Z',
    data: {
      id: 78287,
      owner: { id: 134, name: over.ownerName ?? 'Luca Pacioli', email: 'luca.paccioli@lucca.fr', employeeNumber: '00001' },
      leaveAccount: { id: 1718, name: 'Annual leave 2018', categoryId: 1, categoryName: 'Annual leave', unit: 'days' },
      start: { date: '2018-04-23', half: 'AM' },
      end: { date: '2018-04-24', half: 'PM' },
      halfDays: null,
      durationInHours: null,
      isConfirmed: over.isConfirmed ?? type !== 'leave.created',
      confirmationDate: '2018-04-04T22:34:47.797',
      isCancelled: false,
      cancellationDate: null,
      creationDate: '2018-04-01T09:00:00',
    },
  };
}

export function employeeEvent(type = 'employee.created', id?: string) {
  counter += 1;
  return {
    id: id ?? `emp-${process.pid}-${Date.now()}-${counter}`,
    type,
    occurredAt: '2024-01-02T03:04:05Z',
    data: { id: 42, firstName: 'Ada', lastName: 'Lovelace' },
  };
}

/** Polls until check() returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
