// Counts the Temporal history events of workflows: the unit of work the server persists and the
// worker replays, so the first thing to look at when a delivery costs too much. A delivery id names
// its event workflow (`parseDeliveryId`), which holds every delivery of that event, so a
// delivery's share is its workflow's events divided by the deliveries in it.
import type { Client } from '@temporalio/client';
import { parseDeliveryId } from '../../src/domain/formats/identity';

/** Names of the temporal.api.enums.v1.EventType values these workflows produce. */
const EVENT_NAMES: Record<number, string> = {
  1: 'WorkflowExecutionStarted', 2: 'WorkflowExecutionCompleted', 3: 'WorkflowExecutionFailed', 5: 'WorkflowTaskScheduled',
  6: 'WorkflowTaskStarted', 7: 'WorkflowTaskCompleted', 8: 'WorkflowTaskTimedOut', 9: 'WorkflowTaskFailed',
  10: 'ActivityTaskScheduled', 11: 'ActivityTaskStarted', 12: 'ActivityTaskCompleted', 13: 'ActivityTaskFailed',
  14: 'ActivityTaskTimedOut', 17: 'TimerStarted', 18: 'TimerFired', 19: 'TimerCanceled', 25: 'MarkerRecorded',
  26: 'WorkflowExecutionSignaled', 27: 'WorkflowExecutionTerminated', 28: 'WorkflowExecutionContinuedAsNew',
  40: 'UpsertWorkflowSearchAttributes',
};

export interface HistoryCount {
  /** Mean history events per unit (per workflow, or per delivery). */
  mean: number;
  /** Mean events of each type per unit. */
  byType: Record<string, number>;
}

const SETTLE_MS = 10_000;

/** Waits (bounded) until the workflow has closed, so a delivered event's history is counted whole. */
async function settled(temporal: Client, workflowId: string): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    const { status } = await temporal.workflow.getHandle(workflowId).describe();
    if (status.name !== 'RUNNING') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function countEvents(temporal: Client, workflowId: string, into: Record<string, number>): Promise<number> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  for (const event of events) {
    const code = Number(event.eventType ?? 0);
    const name = EVENT_NAMES[code] ?? `type${code}`;
    into[name] = (into[name] ?? 0) + 1;
  }
  return events.length;
}

function perUnit(total: number, byType: Record<string, number>, units: number): HistoryCount {
  const n = Math.max(1, units);
  const rounded: Record<string, number> = {};
  for (const [key, value] of Object.entries(byType)) rounded[key] = Math.round((value / n) * 10) / 10;
  return { mean: total / n, byType: rounded };
}

/**
 * `closed`: the sampled workflows are expected to finish (every delivery succeeds), so wait up to
 * 10 s for each to close first; the receiver sees a request before its workflow records it.
 */
export interface HistoryOptions {
  closed?: boolean;
}

/** Raw event counts over the given workflows, each read once. */
async function collect(temporal: Client, workflowIds: Iterable<string>, options: HistoryOptions): Promise<{ total: number; byType: Record<string, number> }> {
  let total = 0;
  const byType: Record<string, number> = {};
  for (const id of workflowIds) {
    if (options.closed) await settled(temporal, id);
    total += await countEvents(temporal, id, byType);
  }
  return { total, byType };
}

/** History events per workflow, over the given workflow ids. */
export async function historyEventsPerWorkflow(temporal: Client, workflowIds: readonly string[], options: HistoryOptions = {}): Promise<HistoryCount> {
  const { total, byType } = await collect(temporal, workflowIds, options);
  return perUnit(total, byType, workflowIds.length);
}

/**
 * History events per delivery: each event workflow named by the given delivery ids is read once, and
 * its events are shared among its deliveries (total events / total deliveries). Pass every delivery
 * id of the sampled events. An id that names no event workflow is read as a workflow id of its own.
 */
export async function historyEventsPerDelivery(temporal: Client, deliveryIds: readonly string[], options: HistoryOptions = {}): Promise<HistoryCount> {
  const unique = [...new Set(deliveryIds)];
  const { total, byType } = await collect(temporal, new Set(unique.map((id) => parseDeliveryId(id)?.workflowId ?? id)), options);
  return perUnit(total, byType, unique.length);
}
