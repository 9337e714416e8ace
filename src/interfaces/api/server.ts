// Runs the gateway process: connects Postgres and Temporal, migrates, ensures bootstrap keys, listens
// with slow-client timeouts, runs the pending-delivery starter, and stops gracefully (signals: src/interfaces/cli/shutdown.ts stopOnSignals).
import { createServer, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import { checkSecretKey } from '../../app/secrets/keyFingerprint';
import { checkPayloadKey } from '../../app/secrets/payloadKeyCheck';
import { bootstrapKeys } from '../../app/keys/apiKeys';
import { migrate } from '../../infra/db/migrate';
import { createPool } from '../../infra/db/pool';
import { START_BATCH, startEventStarter, type EventStarter } from '../../app/ingest/starter';
import { createLogger, type Logger } from '../../infra/observability/log';
import { collectProcessMetrics } from '../../infra/observability/metrics';
import { connectClient } from '../../infra/temporal/connect';
import { hrhooksDataConverter } from '../../infra/temporal/dataConverter';
import { createApp } from './app';
import type { AppDeps } from './deps';
import { createUiRouter } from '../web/router';

const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningGateway {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

/** Listens with an app built from deps; stop() drains in-flight requests, then force-closes. */
export async function listen(
  deps: AppDeps,
  opts: { port: number; host: string; starter?: EventStarter },
): Promise<RunningGateway> {
  const app = createApp(deps);
  // headersTimeout is only enforced on each connectionsCheckingInterval tick (default 30 s): check every second.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.setTimeout(60_000);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  let stopping: Promise<void> | null = null;
  return {
    server,
    url: `http://${opts.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(force);
        await opts.starter?.stop();
      })();
      return stopping;
    },
  };
}

export interface GatewayProcess extends RunningGateway {
  /** Bootstrap keys configured here but revoked (they stay refused): `bootstrap-admin`, `bootstrap-producer`. */
  revokedBootstrapKeys: string[];
  pool: Pool;
  temporal: Client;
  log: Logger;
}

export interface GatewayOptions {
  /**
   * The connection of a worker in this process (all-in-one): the gateway's client shares it, so new
   * event workflows start eagerly on that worker, without a matching round trip.
   */
  workerConnection?: NativeConnection;
}

export async function startGateway(
  config: Config,
  log: Logger = createLogger(config.LOG_LEVEL, 'gateway'),
  opts: GatewayOptions = {},
): Promise<GatewayProcess> {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set');
  collectProcessMetrics();
  const pool = createPool(config.DATABASE_URL, config.HRHOOKS_DB_POOL);
  await migrate(pool);
  const box = await checkSecretKey(pool, config, log).catch((err: Error) => pool.end().then(() => Promise.reject(err)));
  const dataConverter = hrhooksDataConverter(await checkPayloadKey(pool, config, log).catch((err: Error) => pool.end().then(() => Promise.reject(err))));
  const revoked = await bootstrapKeys({ pool, log }, { admin: config.HRHOOKS_ADMIN_KEY, producer: config.HRHOOKS_PRODUCER_KEY });
  const eager = !!opts.workerConnection;
  const temporal = opts.workerConnection
    ? new Client({ connection: opts.workerConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter })
    : await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, dataConverter);
  const core = { pool, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, box, config, log };
  const starter = startEventStarter(core, { eager, lanes: Math.ceil(config.HRHOOKS_START_CONCURRENCY / START_BATCH), batch: START_BATCH, fairness: config.HRHOOKS_FAIRNESS === 'on' });
  const deps: AppDeps = { ...core, starter, ui: createUiRouter({ ...core, temporal }) };
  const running = await listen(deps, { port: config.PORT, host: config.HOST, starter });
  log.info({ url: running.url }, 'gateway listening');
  return {
    ...running,
    revokedBootstrapKeys: revoked,
    pool,
    temporal,
    log,
    async stop() {
      await running.stop();
      if (!eager) await temporal.connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      log.info('gateway stopped');
    },
  };
}
