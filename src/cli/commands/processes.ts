// `hrhooks gateway` and `hrhooks worker`: run the long-lived processes from config until SIGTERM/SIGINT.
import { ensureBootstrapKeys } from '../../db/apiKeys';
import { migrate } from '../../db/migrate';
import { secretBoxFor } from '../../crypto/secretKeyFile';
import { startGateway, stopOnSignals } from '../../gateway/server';
import { parseAllowlist } from '../../http/ssrfGuard';
import { createLogger } from '../../log';
import { collectProcessMetrics } from '../../metrics';
import { ensureSearchAttributes } from '../../temporal/registerSearchAttributes';
import { createDeliveryWorker } from '../../worker';
import { CliError, type CliContext } from '../context';

export async function runGateway(_argv: string[], ctx: CliContext): Promise<number> {
  if (!ctx.config.DATABASE_URL) throw new CliError('DATABASE_URL is not set (use `hrhooks start` for the all-in-one set-up)');
  const gateway = await startGateway({ ...ctx.config, TEMPORAL_ADDRESS: ctx.temporalAddress() });
  ctx.io.stdout(`gateway listening on ${gateway.url}\n`);
  return new Promise((resolve) => stopOnSignals(gateway, resolve));
}

export async function runWorker(_argv: string[], ctx: CliContext): Promise<number> {
  const config = ctx.config;
  const log = createLogger(config.LOG_LEVEL, 'worker');
  collectProcessMetrics();
  const pool = ctx.pool();
  await migrate(pool);
  await ensureBootstrapKeys(pool, { admin: config.HRHOOKS_ADMIN_KEY, producer: config.HRHOOKS_PRODUCER_KEY });
  const client = await ctx.temporal();
  await ensureSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
  const { worker, connection } = await createDeliveryWorker({
    address: ctx.temporalAddress(),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool,
    box: secretBoxFor(config),
    allow: parseAllowlist(config.HRHOOKS_EGRESS_ALLOW),
    attemptTimeoutMs: config.HRHOOKS_ATTEMPT_TIMEOUT,
    connectTimeoutMs: config.HRHOOKS_CONNECT_TIMEOUT,
    log,
    concurrency: config.HRHOOKS_WORKER_CONCURRENCY,
    cacheSize: config.HRHOOKS_WORKFLOW_CACHE,
  });
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  ctx.io.stdout(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${ctx.temporalAddress()}\n`);
  await worker.run();
  await connection.close();
  return 0;
}
