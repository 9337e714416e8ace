// The `engine` scenario's worker, run as its own process like the hrhooks worker:
// `node --import tsx bench/engine/worker.ts <temporal address> <task queue> <workflow bundle>`. Loads
// the workflow bundle the bench process built (as the hrhooks worker loads dist/'s), polls its own
// task queue with SDK defaults, counts the no-op local activities it runs, and on SIGTERM/SIGINT
// shuts down and prints that count. Touches nothing but Temporal.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { EngineActivities } from './workflows';

async function main(): Promise<void> {
  const [address, taskQueue, bundlePath] = process.argv.slice(2);
  if (!address || !taskQueue || !bundlePath) throw new Error('usage: worker.ts <temporal address> <task queue> <workflow bundle>');
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: 'ERROR', forward: {} } } });
  let noops = 0;
  const activities: EngineActivities = {
    async noop() {
      noops += 1;
    },
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    activities,
    // the same poller and activity settings the hrhooks worker runs with, so the ceiling is a fair one
    workflowTaskPollerBehavior: { type: 'autoscaling' },
    enableNonLocalActivities: false,
  });
  const stop = (): void => worker.shutdown();
  process.once('SIGTERM', stop).once('SIGINT', stop).once('disconnect', stop);
  const running = worker.run();
  process.stdout.write(`engine worker polling ${taskQueue}\n`);
  await running;
  await connection.close();
  process.stdout.write(`engine worker done ${JSON.stringify({ noops })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`engine worker: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
