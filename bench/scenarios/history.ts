// Counts the Temporal history events of delivery workflows: the unit of work the server persists
// and the worker replays, so the first thing to look at when a delivery costs too much.
import type { Client } from '@temporalio/client';

export async function historyEventsPerDelivery(temporal: Client, ids: readonly string[]): Promise<{ mean: number; byType: Record<string, number> }> {
  let total = 0;
  const byType: Record<string, number> = {};
  for (const id of ids) {
    const history = await temporal.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    total += events.length;
    for (const event of events) {
      const name = String(event.eventType ?? 'unknown').replace(/^EVENT_TYPE_/, '');
      byType[name] = (byType[name] ?? 0) + 1;
    }
  }
  const n = Math.max(1, ids.length);
  for (const key of Object.keys(byType)) byType[key] = Math.round((byType[key]! / n) * 10) / 10;
  return { mean: total / n, byType };
}
