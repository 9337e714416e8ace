// What readers see of subscriptions, one function per view, shared by the three doors: the list (GET /v1/subscriptions,
// the subscriptions page, `hrhooks subscriptions list`), one subscription, its health and charts (GET
// /v1/subscriptions/:id/health, its own page), what stopping it would cancel (edit and confirm pages), and the
// dashboard (GET /v1/dashboard). Read-only; never a secret (the public view has none).
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { dashboard } from '../../infra/db/deliveries';
import type { PublicSubscription } from '../../domain/subscriptions/publicSubscription';
import { getSubscription as readSubscription, listSubscriptions as readSubscriptions } from '../../infra/db/subscriptions';
import { dashboardCharts, type DashboardCharts } from '../readModels/dashboardStats';
import { openDeliveriesOf, type OpenDeliveries } from '../readModels/deliveryImpact';
import { subscriptionHealth, type SubscriptionHealth } from '../readModels/subscriptionHealth';

export interface ReadDeps {
  pool: Pool;
  box: SecretBox;
}

/** Every live subscription, oldest first; a row that cannot be read fully is listed with its `error`. */
export function listSubscriptions(deps: ReadDeps): Promise<PublicSubscription[]> {
  return readSubscriptions(deps.pool, deps.box);
}

/** One live subscription, or null. */
export function getSubscription(deps: ReadDeps, id: string): Promise<PublicSubscription | null> {
  return readSubscription(deps.pool, deps.box, id);
}

/** The subscriptions page: every subscription and every subscription's health. */
export async function subscriptionsOverview(deps: ReadDeps): Promise<{ subscriptions: PublicSubscription[]; health: SubscriptionHealth[] }> {
  const [subscriptions, health] = await Promise.all([listSubscriptions(deps), subscriptionHealth(deps.pool)]);
  return { subscriptions, health };
}

/** A subscription's health and the dashboard charts of its deliveries alone; null when there is no such live subscription. */
export async function subscriptionActivity(pool: Pool, id: string): Promise<{ health: SubscriptionHealth; charts: DashboardCharts } | null> {
  const [health, charts] = await Promise.all([subscriptionHealth(pool, { subscriptionId: id }), dashboardCharts(pool, { subscriptionId: id })]);
  return health[0] ? { health: health[0], charts } : null;
}

/** A subscription's own page: what it is, its health and its charts. */
export async function subscriptionDetail(deps: ReadDeps, id: string): Promise<{ subscription: PublicSubscription; health: SubscriptionHealth; charts: DashboardCharts } | null> {
  const [subscription, activity] = await Promise.all([getSubscription(deps, id), subscriptionActivity(deps.pool, id)]);
  return subscription && activity ? { subscription, ...activity } : null;
}

/** A subscription and its open deliveries: what disabling or deleting it would cancel. */
export async function subscriptionWithOpen(deps: ReadDeps, id: string): Promise<{ subscription: PublicSubscription; open: OpenDeliveries } | null> {
  const subscription = await getSubscription(deps, id);
  return subscription ? { subscription, open: await openDeliveriesOf(deps.pool, subscription.id) } : null;
}

/** GET /v1/dashboard: counts by status, the error to-do list, the charts and every subscription's health (worst first). */
export async function dashboardOverview(pool: Pool) {
  const [overview, charts, health] = await Promise.all([dashboard(pool), dashboardCharts(pool), subscriptionHealth(pool)]);
  return { ...overview, charts, health };
}
