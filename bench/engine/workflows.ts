// The `engine` scenario's workflow: the least a workflow that does one piece of work can be (one
// no-op local activity), so its rate is the Temporal engine's own ceiling. Runs in the workflow
// sandbox: imports nothing but @temporalio/workflow, no I/O.
import { proxyLocalActivities } from '@temporalio/workflow';

/** The engine worker's activities (declared here so this file imports nothing else). */
export interface EngineActivities {
  noop(): Promise<void>;
}

const { noop } = proxyLocalActivities<EngineActivities>({ startToCloseTimeout: '10 seconds' });

export async function engineNoop(): Promise<void> {
  await noop();
}
