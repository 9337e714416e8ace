// The administrator's error to-do list, as every interface shows it: counts by status, the failed
// deliveries not yet dealt with (newest first) grouped by subscription, the subscriptions the circuit
// breaker holds paused, those that cannot be used as they are, and the activity charts. Read only.
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { dashboard } from '../../infra/db/deliveries';
import { flowControl, type PausedSubscription } from '../../infra/db/flowControl';
import type { PublicSubscription } from '../../infra/db/subscriptions';
import type { DeliveryStatus } from '../../../workflows/definitions';
import { deliveriesList, type DeliverySummary } from '../deliveries/deliveriesList';
import { listSubscriptions } from '../subscriptions/views';
import { dashboardCharts, type DashboardCharts } from './dashboardStats';

export type { PausedSubscription };

export interface FailedGroup {
  subscriptionId: string;
  subscriptionName: string;
  items: DeliverySummary[];
  /** Why the subscription cannot be used as it is (e.g. an unreadable secret); null when it can. */
  problem: string | null;
}

export interface TodoList {
  counts: Record<DeliveryStatus, number>;
  subscriptions: PublicSubscription[];
  broken: PublicSubscription[];
  paused: PausedSubscription[];
  failed: FailedGroup[];
  /** More failed deliveries exist than the `limit` listed. */
  more: boolean;
  charts: DashboardCharts;
}

function groupBySubscription(items: DeliverySummary[], broken: Map<string, PublicSubscription>): FailedGroup[] {
  const groups = new Map<string, FailedGroup>();
  for (const d of items) {
    const group = groups.get(d.subscriptionId)
      ?? { subscriptionId: d.subscriptionId, subscriptionName: d.subscriptionName ?? d.subscriptionId, items: [], problem: broken.get(d.subscriptionId)?.error ?? null };
    group.items.push(d);
    groups.set(d.subscriptionId, group);
  }
  return [...groups.values()];
}

/** The to-do list, optionally of one subscription, with at most `limit` failed deliveries. */
export async function todoList(deps: { pool: Pool; box: SecretBox }, opts: { subscriptionId?: string; limit: number }): Promise<TodoList> {
  const [{ counts }, subscriptions, failed, charts, paused] = await Promise.all([
    dashboard(deps.pool, 1),
    listSubscriptions(deps),
    deliveriesList(deps, { status: 'failed', subscriptionId: opts.subscriptionId, limit: opts.limit }),
    dashboardCharts(deps.pool, { subscriptionId: opts.subscriptionId }),
    flowControl(deps.pool).paused(),
  ]);
  const broken = subscriptions.filter((s) => s.error);
  const failedGroups = groupBySubscription(failed.items, new Map(broken.map((s) => [s.id, s])));
  return { counts, subscriptions, broken, paused, failed: failedGroups, more: failed.nextCursor !== null, charts };
}
