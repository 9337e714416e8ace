// Child-process entry for tests that kill workers: runs the real worker role from env (startWorker),
// prints "worker ready" once polling, and on SIGTERM shuts down gracefully and exits 0.
import { loadConfig } from '../../src/infra/config';
import { createLogger } from '../../src/infra/observability/log';
import { startWorker } from '../../src/interfaces/worker/workerProcess';

async function main(): Promise<void> {
  const config = loadConfig();
  const worker = await startWorker(config, createLogger(config.LOG_LEVEL, 'worker'));
  process.stdout.write('worker ready\n');
  process.once('SIGTERM', () => void worker.stop().then(() => process.exit(0), () => process.exit(1)));
  await worker.done;
}

main().catch((err: Error) => {
  process.stderr.write(`worker entry failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
