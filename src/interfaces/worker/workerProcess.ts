// Runs the worker role from configuration: migrates, registers the search attributes when missing, creates or
// updates the `hrhooks-retention` schedule, then polls task queue `hrhooks` until stopped.
import { DefaultLogger, Runtime, type LogLevel, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../../infra/config';
import { checkSecretKey } from '../../app/secrets/keyFingerprint';
import { checkPayloadKey } from '../../app/secrets/payloadKeyCheck';
import { listenForAborts } from '../../infra/db/abortChannel';
import { migrate } from '../../infra/db/migrate';
import { createPool } from '../../infra/db/pool';
import { closeDispatcher } from '../../infra/http/dispatcher';
import { withErrorFields, type Logger } from '../../infra/observability/log';
import { hrhooksDataConverter } from '../../infra/temporal/dataConverter';
import { ensureSearchAttributes, SearchAttributeTypeError } from '../../infra/temporal/registerSearchAttributes';
import { ensureRetentionSchedule, retentionScheduleId, setNamespaceRetention } from '../../infra/temporal/retentionSchedule';
import { longestEventsPeriod } from '../../app/retention/run';
import { createDeliveryWorker } from './worker';

export interface WorkerProcess {
  stop(): Promise<void>;
  done: Promise<void>;
  /** The worker's own connection: a client built on it starts workflows eagerly on this worker. */
  connection: NativeConnection;
}

let runtimeInstalled = false;

function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level: LogLevel = log.levelVal >= 50 ? 'ERROR' : 'WARN';
  // shutdownSignals: none, the command owns its signals (src/interfaces/cli/shutdown.ts): the SDK's own handler kept a
  // process that failed to start alive and deaf to SIGTERM.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(level, (entry) => log.warn({ sdk: withErrorFields(entry.meta) }, entry.message)), telemetryOptions: { logging: { filter: 'ERROR', forward: {} } } });
}

/** Runs `step`; if it throws, `release` what was opened so far (best effort) before rethrowing. */
async function orRelease<T>(step: () => Promise<T>, release: () => Promise<unknown>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
}

export async function startWorker(config: Config, log: Logger): Promise<WorkerProcess> {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set');
  installRuntime(log);
  const db = createPool(config.DATABASE_URL, config.HRHOOKS_DB_POOL);
  const { box, codec } = await orRelease(async () => {
    await migrate(db);
    return { box: await checkSecretKey(db, config, log), codec: await checkPayloadKey(db, config, log) };
  }, () => db.end());
  const aborts = listenForAborts(config.DATABASE_URL, log);
  let temporal: NativeConnection | undefined;
  const retention = {
    defaults: { events: config.HRHOOKS_RETENTION_EVENTS, bodies: config.HRHOOKS_RETENTION_BODIES },
    ...(config.HRHOOKS_TEMPORAL_RETENTION === 'managed'
      ? { namespaceRetention: (days: number) => setNamespaceRetention(temporal!, config.TEMPORAL_NAMESPACE, days) }
      : {}),
  };
  const { worker, connection } = await orRelease(() => createDeliveryWorker({
    aborts,
    address: config.TEMPORAL_ADDRESS!,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: hrhooksDataConverter(codec),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool: db,
    box,
    allow: config.egressAllow,
    attemptTimeoutMs: config.HRHOOKS_ATTEMPT_TIMEOUT,
    connectTimeoutMs: config.HRHOOKS_CONNECT_TIMEOUT,
    log,
    concurrency: config.HRHOOKS_WORKER_CONCURRENCY,
    cacheSize: config.HRHOOKS_WORKFLOW_CACHE,
    workflowPollers: config.HRHOOKS_WORKFLOW_POLLERS,
    ...(config.HRHOOKS_ADMIN_WEBHOOK_URL ? { adminWebhookUrl: config.HRHOOKS_ADMIN_WEBHOOK_URL } : {}),
    breaker: { disableAfterMs: config.HRHOOKS_PAUSE_DISABLE_AFTER, probeScheduleMs: config.HRHOOKS_PROBE_SCHEDULE },
    retention,
  }), async () => {
    await aborts.stop();
    await db.end();
  });
  const registered = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE).catch(async (err: Error) => {
    if (err instanceof SearchAttributeTypeError) {
      await aborts.stop();
      await connection.close().catch(() => undefined);
      await db.end().catch(() => undefined);
      throw err;
    }
    log.warn({ err }, 'could not check the search attributes; deliveries may not be filterable in the Web UI');
    return [];
  });
  if (registered.length) log.info({ registered }, 'registered search attributes');
  temporal = connection;
  await ensureRetentionSchedule({
    connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, everyMs: config.HRHOOKS_RETENTION_EVERY,
    dataConverter: hrhooksDataConverter(codec),
  }).then(
    (how) => log.info({ schedule: retentionScheduleId(config.TEMPORAL_TASK_QUEUE), how, everyMs: config.HRHOOKS_RETENTION_EVERY }, 'retention schedule ready'),
    (err: Error) => log.error({ err }, 'could not create or update the hrhooks-retention schedule: retention will not run'),
  );
  if (retention.namespaceRetention) {
    await longestEventsPeriod(db, retention.defaults).then(retention.namespaceRetention).catch((err: Error) =>
      log.warn({ err }, "could not set the Temporal namespace's retention (the next retention run tries again)"));
  }
  const done = worker.run().finally(async () => {
    await aborts.stop();
    await connection.close().catch(() => undefined);
    await closeDispatcher();
    await db.end().catch(() => undefined);
  });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  return {
    done,
    connection,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
