// `hrhooks gateway` and `hrhooks worker`: run the long-lived processes from config until SIGTERM/SIGINT.
import { ensureBootstrapKeys } from '../../db/apiKeys';
import { startGateway, stopOnSignals } from '../../gateway/server';
import { createLogger } from '../../log';
import { collectProcessMetrics } from '../../metrics';
import { startWorker } from '../../workerProcess';
import { CliError, type CliContext } from '../context';

export async function runGateway(ctx: CliContext): Promise<number> {
  if (!ctx.config.DATABASE_URL) throw new CliError('DATABASE_URL is not set (use `hrhooks start` for the all-in-one set-up)');
  const config = { ...ctx.config, TEMPORAL_ADDRESS: ctx.temporalAddress() };
  const log = createLogger(config.LOG_LEVEL, 'gateway');
  // HRHOOKS_EMBEDDED_WORKER: a worker in this process, so new events start eagerly on it.
  const worker = config.HRHOOKS_EMBEDDED_WORKER ? await startWorker(config, log.child({ role: 'worker' })) : null;
  const gateway = await startGateway(config, log, { workerConnection: worker?.connection }).catch(async (err) => {
    await worker?.stop();
    throw err;
  });
  ctx.io.stdout(`gateway listening on ${gateway.url}${worker ? ' (with an embedded worker)' : ''}\n`);
  const both = { stop: async () => { await gateway.stop(); await worker?.stop(); } };
  return new Promise((resolve) => stopOnSignals(both, resolve));
}

export async function runWorker(ctx: CliContext): Promise<number> {
  if (!ctx.config.DATABASE_URL) throw new CliError('DATABASE_URL is not set (use `hrhooks start` for the all-in-one set-up)');
  const config = { ...ctx.config, TEMPORAL_ADDRESS: ctx.temporalAddress() };
  collectProcessMetrics();
  const worker = await startWorker(config, createLogger(config.LOG_LEVEL, 'worker'));
  await ensureBootstrapKeys(ctx.pool(), { admin: config.HRHOOKS_ADMIN_KEY, producer: config.HRHOOKS_PRODUCER_KEY });
  const stop = () => void worker.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  ctx.io.stdout(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}\n`);
  await worker.done;
  return 0;
}
