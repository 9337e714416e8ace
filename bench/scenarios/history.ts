// Counts the Temporal history events of delivery workflows: the unit of work the server persists
// and the worker replays, so the first thing to look at when a delivery costs too much.
import type { Client } from '@temporalio/client';

/** Names of the temporal.api.enums.v1.EventType values a delivery produces. */
const EVENT_NAMES: Record<number, string> = {
  1: 'WorkflowExecutionStarted', 2: 'WorkflowExecutionCompleted', 5: 'WorkflowTaskScheduled', 6: 'WorkflowTaskStarted',
  7: 'WorkflowTaskCompleted', 8: 'WorkflowTaskTimedOut', 9: 'WorkflowTaskFailed', 10: 'ActivityTaskScheduled',
  11: 'ActivityTaskStarted', 12: 'ActivityTaskCompleted', 13: 'ActivityTaskFailed', 14: 'ActivityTaskTimedOut',
  17: 'TimerStarted', 18: 'TimerFired', 19: 'TimerCanceled', 26: 'WorkflowExecutionSignaled',
  40: 'UpsertWorkflowSearchAttributes',
};

export async function historyEventsPerDelivery(temporal: Client, ids: readonly string[]): Promise<{ mean: number; byType: Record<string, number> }> {
  let total = 0;
  const byType: Record<string, number> = {};
  for (const id of ids) {
    const history = await temporal.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    total += events.length;
    for (const event of events) {
      const code = Number(event.eventType ?? 0);
      const name = EVENT_NAMES[code] ?? `type${code}`;
      byType[name] = (byType[name] ?? 0) + 1;
    }
  }
  const n = Math.max(1, ids.length);
  for (const key of Object.keys(byType)) byType[key] = Math.round((byType[key]! / n) * 10) / 10;
  return { mean: total / n, byType };
}
