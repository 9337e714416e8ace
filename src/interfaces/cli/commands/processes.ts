// `hrhooks gateway` and `hrhooks worker`: run the long-lived processes from config until SIGTERM/SIGINT.
// One that cannot start, or whose worker fails, exits 1 at once; a signal always ends it within a bound.
import { bootstrapKeys } from '../../../app/keys/apiKeys';
import { startGateway } from '../../api/server';
import { createLogger } from '../../../infra/observability/log';
import { collectProcessMetrics } from '../../../infra/observability/metrics';
import { startWorker, type WorkerProcess } from '../../worker/workerProcess';
import { CliError, type CliContext } from '../context';
import { stopOnSignals, type ProcessSignals } from '../shutdown';

/** Runs `body` under `signals`: a failure (thrown) makes the process exit 1 once the runner has printed it. */
async function guarded(signals: ProcessSignals, body: () => Promise<number>): Promise<number> {
  try {
    const code = await body();
    signals.exitSoon(code);
    return code;
  } catch (err) {
    signals.exitSoon(1);
    throw err;
  }
}

/** Resolves once the worker stopped on a signal (its code); rejects when it stopped or failed on its own. */
async function untilStopped(worker: WorkerProcess, signals: ProcessSignals): Promise<number> {
  await worker.done;
  if (!signals.stopping) throw new Error('the worker stopped on its own');
  return signals.done;
}

export async function runGateway(ctx: CliContext): Promise<number> {
  if (!ctx.config.DATABASE_URL) throw new CliError('DATABASE_URL is not set (use `hrhooks start` for the all-in-one set-up)');
  const config = { ...ctx.config, TEMPORAL_ADDRESS: ctx.temporalAddress() };
  const log = createLogger(config.LOG_LEVEL, 'gateway');
  const signals = stopOnSignals('gateway', log);
  return guarded(signals, async () => {
    // HRHOOKS_EMBEDDED_WORKER: a worker in this process, so new events start eagerly on it.
    const worker = config.HRHOOKS_EMBEDDED_WORKER ? await startWorker(config, log.child({ role: 'worker' })) : null;
    const gateway = await startGateway(config, log, { workerConnection: worker?.connection }).catch(async (err) => {
      await worker?.stop();
      throw err;
    });
    signals.running(async () => {
      await gateway.stop();
      await worker?.stop();
    });
    ctx.io.stdout(`gateway listening on ${gateway.url}${worker ? ' (with an embedded worker)' : ''}\n`);
    if (!worker) return signals.done;
    return Promise.race([signals.done, untilStopped(worker, signals)]);
  });
}

export async function runWorker(ctx: CliContext): Promise<number> {
  if (!ctx.config.DATABASE_URL) throw new CliError('DATABASE_URL is not set (use `hrhooks start` for the all-in-one set-up)');
  const config = { ...ctx.config, TEMPORAL_ADDRESS: ctx.temporalAddress() };
  const log = createLogger(config.LOG_LEVEL, 'worker');
  const signals = stopOnSignals('worker', log);
  return guarded(signals, async () => {
    collectProcessMetrics();
    const worker = await startWorker(config, log);
    signals.running(() => worker.stop());
    await bootstrapKeys({ pool: ctx.pool(), log }, { admin: config.HRHOOKS_ADMIN_KEY, producer: config.HRHOOKS_PRODUCER_KEY }).catch(async (err) => {
      await worker.stop();
      throw err;
    });
    ctx.io.stdout(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}\n`);
    return untilStopped(worker, signals);
  });
}
