// The hrhooks worker: runs `delivery` workflows and the send activity on task
// queue `hrhooks`, from a workflow bundle built once per process.
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../workflows/definitions';

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundlerLogger });
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

export interface WorkerOptions extends ActivityDeps {
  address?: string;
  /** An existing connection (e.g. a test environment's); the caller closes it. */
  connection?: NativeConnection;
  namespace: string;
  taskQueue?: string;
  concurrency?: number;
  /** Workflows kept in the worker's sticky cache (each waiting delivery held there costs ~200 KB). */
  cacheSize?: number;
}

export async function createDeliveryWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; ownsConnection: boolean }> {
  const connection = options.connection ?? (await NativeConnection.connect({ address: options.address }));
  const concurrency = options.concurrency ?? 200;
  const cacheSize = options.cacheSize ?? 500;
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createActivities(options),
    maxConcurrentActivityTaskExecutions: concurrency,
    maxConcurrentWorkflowTaskExecutions: Math.min(concurrency, 100, cacheSize),
    maxCachedWorkflows: cacheSize,
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection, ownsConnection: !options.connection };
}
