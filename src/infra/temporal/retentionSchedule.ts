// The Temporal Schedule `hrhooks-retention` (visible in the Web UI's Schedules) that starts the `retention`
// workflow every HRHOOKS_RETENTION_EVERY, created or brought up to date by the worker at start; and the
// namespace's closed-workflow retention, set where hrhooks manages the namespace (HRHOOKS_TEMPORAL_RETENTION=managed).
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ConnectionLike, type ScheduleOptionsAction } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';

export const RETENTION_SCHEDULE_ID = 'hrhooks-retention';
const DEFAULT_TASK_QUEUE = 'hrhooks';

/** `hrhooks-retention`; an installation on a task queue of its own (sharing the namespace) gets `hrhooks-retention-<queue>`. */
export function retentionScheduleId(taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? RETENTION_SCHEDULE_ID : `${RETENTION_SCHEDULE_ID}-${taskQueue}`;
}

export interface RetentionScheduleOptions {
  connection: ConnectionLike;
  namespace: string;
  taskQueue: string;
  everyMs: number;
  dataConverter?: DataConverter;
}

/** Creates the schedule, or sets its spec and action to these when it exists (several workers: the last one wins, all alike). */
export async function ensureRetentionSchedule(options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const client = new Client({ connection: options.connection, namespace: options.namespace, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) });
  const scheduleId = retentionScheduleId(options.taskQueue);
  const action: ScheduleOptionsAction = { type: 'startWorkflow', workflowType: 'retention', workflowId: `${scheduleId}-run`, taskQueue: options.taskQueue, args: [] };
  const spec = { intervals: [{ every: options.everyMs }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { purpose: 'hrhooks retention: partitions ahead, expired partitions dropped, bodies and closed deliveries removed' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP } }));
    return 'updated';
  }
}

/** Sets how long Temporal keeps closed workflows of the namespace (at least one day). */
export async function setNamespaceRetention(connection: ConnectionLike, namespace: string, days: number): Promise<void> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(`${Math.max(1, days) * 24}h`) },
  });
}
