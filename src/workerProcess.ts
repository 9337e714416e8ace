// Runs the worker role from configuration: migrates, registers the search
// attributes when missing, then polls task queue `hrhooks` until stopped.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Config } from './config';
import { checkSecretKey } from './crypto/keyFingerprint';
import { migrate } from './db/migrate';
import { createPool } from './db/pool';
import { closeDispatcher } from './http/dispatcher';
import { parseAllowlist } from './http/ssrfGuard';
import type { Logger } from './log';
import { ensureSearchAttributes } from './temporal/registerSearchAttributes';
import { createDeliveryWorker } from './worker';

export interface WorkerProcess {
  stop(): Promise<void>;
  done: Promise<void>;
}

let runtimeInstalled = false;

function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level: LogLevel = log.levelVal >= 50 ? 'ERROR' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level, (entry) => log.warn({ sdk: entry.meta }, entry.message)), telemetryOptions: { logging: { filter: 'ERROR', forward: {} } } });
}

export async function startWorker(config: Config, log: Logger, pool?: Pool): Promise<WorkerProcess> {
  if (!config.DATABASE_URL && !pool) throw new Error('DATABASE_URL is not set');
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set');
  installRuntime(log);
  const ownPool = !pool;
  const db = pool ?? createPool(config.DATABASE_URL!, config.HRHOOKS_DB_POOL);
  await migrate(db);
  const box = await checkSecretKey(db, config, log);
  const { worker, connection } = await createDeliveryWorker({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool: db,
    box,
    allow: parseAllowlist(config.HRHOOKS_EGRESS_ALLOW),
    attemptTimeoutMs: config.HRHOOKS_ATTEMPT_TIMEOUT,
    connectTimeoutMs: config.HRHOOKS_CONNECT_TIMEOUT,
    log,
    concurrency: config.HRHOOKS_WORKER_CONCURRENCY,
    cacheSize: config.HRHOOKS_WORKFLOW_CACHE,
  });
  const registered = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE).catch((err: Error) => {
    log.warn({ err: err.message }, 'could not check the search attributes; deliveries may not be filterable in the Web UI');
    return [];
  });
  if (registered.length) log.info({ registered }, 'registered search attributes');
  const done = worker.run().finally(async () => {
    await connection.close().catch(() => undefined);
    await closeDispatcher();
    if (ownPool) await db.end().catch(() => undefined);
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
