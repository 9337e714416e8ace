// Scenario "engine": the Temporal engine's own ceiling on this machine, against the stack's own
// Temporal server in the same run. A bare workflow (bench/engine/workflows.ts: one no-op local
// activity) is started N times by concurrent `client.workflow.start` callers and run by a worker in
// a separate process (bench/engine/worker.ts, its own task queue) that, like the hrhooks worker, loads
// a workflow bundle built beforehand (here by the bench process). Its CPU window starts once that
// worker polls: bundling and the worker's start-up are not counted.
// Rate = workflows completed per second, from the first start sent to the last workflow closed.
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { round } from '../percentiles';
import { rssOf } from '../stack';
import { historyEventsPerWorkflow } from './history';
import { budgetMs, now, runId, waitUntil, type Scenario } from './scenario';

const MB = 2 ** 20;
const WORKFLOW_TYPE = 'engineNoop';

/** Runs `work(i)` for i in [0, count) with `concurrency` callers; throws once `deadline` has passed. */
async function inParallel(count: number, concurrency: number, deadline: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`engine: ${count - next} of ${count} workflows left when the time ran out`);
      await work(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
}

/** Close time (epoch ms) of every workflow on the task queue that has closed, read from visibility. */
async function closeTimes(temporal: Client, taskQueue: string): Promise<number[]> {
  const closed: number[] = [];
  for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    if (wf.closeTime) closed.push(wf.closeTime.getTime());
  }
  return closed;
}

/** The count of no-op local activities the engine worker printed when it stopped (NaN if it did not). */
function localActivitiesRun(logFile: string): number {
  const done = /engine worker done (\{.*\})/.exec(fs.readFileSync(logFile, 'utf8'))?.[1];
  return done ? Number((JSON.parse(done) as { noops: unknown }).noops) : Number.NaN;
}

const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

export const engine: Scenario = {
  name: 'engine',
  async run({ stack, sizes, log, startCpuWindow }) {
    const n = sizes.engineWorkflows;
    const taskQueue = `bench-engine-${runId}`;
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../engine/workflows'), logger: quietBundlerLogger });
    const bundle = path.join(stack.scratch, 'engine-workflow-bundle.js');
    fs.writeFileSync(bundle, code);
    const worker = await stack.spawnScript(
      'engine-worker', path.join(__dirname, '..', 'engine', 'worker.ts'), [stack.temporalAddress, taskQueue, bundle], /engine worker polling/, 120_000,
    );
    startCpuWindow();
    try {
      const idleRss = rssOf(worker.process.pid);
      const deadline = Date.now() + budgetMs(n);
      const ids = Array.from({ length: n }, (_, i) => `bench-engine-${runId}-${i}`);
      const firstStart = now();
      await inParallel(n, sizes.engineStarters, deadline, async (i) => {
        await stack.temporal.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: ids[i]!, args: [] });
      });
      const lastStarted = now();
      await inParallel(n, sizes.engineStarters, deadline, (i) => stack.temporal.workflow.getHandle(ids[i]!).result());
      const allResults = now();
      const busyRss = rssOf(worker.process.pid);
      let closed: number[] = [];
      await waitUntil(async () => (closed = await closeTimes(stack.temporal, taskQueue)).length >= n, 10_000, 250);
      const lastClosed = closed.length >= n ? Math.max(...closed) : allResults;
      if (closed.length < n) log(`engine: visibility lists ${closed.length} of ${n} closed; using the time the last result was read`);
      const history = await historyEventsPerWorkflow(stack.temporal, ids.slice(0, 5), { closed: true });
      await worker.stop();
      const noops = localActivitiesRun(worker.logFile);
      return {
        figures: {
          workflows: n,
          starters: sizes.engineStarters,
          startsPerSecond: round(n / ((lastStarted - firstStart) / 1000)),
          workflowsPerSecond: round(n / ((lastClosed - firstStart) / 1000)),
          localActivities: noops,
          historyEventsPerWorkflow: round(history.mean),
          workerIdleRssMB: round(idleRss / MB),
          workerRssMB: round(busyRss / MB),
        },
        notes: [
          `workflow ${WORKFLOW_TYPE} (one no-op local activity) on task queue ${taskQueue}, worker with SDK defaults in its own process, prebuilt workflow bundle`,
          `history of one workflow: ${JSON.stringify(history.byType)}`,
        ],
      };
    } finally {
      await worker.stop();
    }
  },
};
