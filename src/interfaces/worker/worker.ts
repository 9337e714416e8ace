// The hrhooks worker: runs `event` workflows and their local-activity attempts on task queue `hrhooks`,
// from the workflow bundle built at build time (see workflowBundle.ts).
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../../activities';
import { TASK_QUEUE } from '../../../workflows/definitions';
import { workflowBundle } from '../../infra/temporal/workflowBundle';

export { workflowBundle };

export interface WorkerOptions extends ActivityDeps {
  address?: string;
  /** An existing connection (e.g. a test environment's); the caller closes it. */
  connection?: NativeConnection;
  namespace: string;
  /** hrhooks' data converter (the payload codec): src/infra/temporal/dataConverter.ts. */
  dataConverter: DataConverter;
  taskQueue?: string;
  /** Attempts (local activities) in flight at once. */
  concurrency?: number;
  /** Event workflows kept in the worker's sticky cache. */
  cacheSize?: number;
  /** Workflow-task pollers: a fixed number, or 'auto' (the SDK scales them with the backlog). */
  workflowPollers?: number | 'auto';
}

export async function createDeliveryWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; ownsConnection: boolean }> {
  const connection = options.connection ?? (await NativeConnection.connect({ address: options.address }));
  const concurrency = options.concurrency ?? 200;
  const cacheSize = options.cacheSize ?? 500;
  const created = Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    dataConverter: options.dataConverter,
    activities: createActivities(options),
    maxConcurrentLocalActivityExecutions: concurrency,
    // every activity is local: no activity-task pollers at all
    enableNonLocalActivities: false,
    // measured (bench/README.md, "Tuning"): autoscaling pollers beat 10 or 20 fixed ones by ~20 %
    workflowTaskPollerBehavior:
      options.workflowPollers === 'auto' || options.workflowPollers === undefined
        ? { type: 'autoscaling' }
        : { type: 'simple-maximum', maximum: options.workflowPollers },
    maxConcurrentWorkflowTaskExecutions: Math.min(100, cacheSize),
    maxCachedWorkflows: cacheSize,
    reuseV8Context: true,
    shutdownGraceTime: '10 seconds',
  });
  // a worker that cannot be created must not leave its connection holding the process open
  const worker = await created.catch(async (err: unknown) => {
    if (!options.connection) await connection.close().catch(() => undefined);
    throw err;
  });
  return { worker, connection, ownsConnection: !options.connection };
}
