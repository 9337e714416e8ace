// The deliveries list, one read model for GET /v1/deliveries, `hrhooks deliveries list` and the deliveries
// page: a keyset-paginated page of deliveries, newest first. The page's search adds an `until` day and the
// subscriptions to choose from (and to name when they need attention); a stale page link is its answer,
// not an error. Read-only; each interface puts the rows in its own words.
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { CursorError, listDeliveries, type DeliveryFilter, type DeliverySummary } from '../../infra/db/deliveries';
import { listSubscriptions } from '../../infra/db/subscriptions';

export type { DeliveryFilter, DeliverySummary };
/** What deliveriesList throws for a page link (cursor) it did not give: the API answers it as a 400 naming `cursor`. */
export { CursorError };

export interface DeliveriesPage {
  items: DeliverySummary[];
  nextCursor: string | null;
}

/** One page of deliveries matching the filter; a cursor this API did not return throws CursorError (a 400 naming `cursor`). */
export function deliveriesList(deps: { pool: Pool }, filter: DeliveryFilter): Promise<DeliveriesPage> {
  return listDeliveries(deps.pool, filter);
}

export interface DeliverySearch extends DeliveryFilter {
  /** The last UTC day (YYYY-MM-DD) to list: the first page starts just after it ends. */
  until?: string;
}

export interface SubscriptionChoice {
  id: string;
  name: string;
  /** Why the subscription cannot be used as stored; null when it is fine. */
  error: string | null;
}

export interface DeliverySearchResult {
  subscriptions: SubscriptionChoice[];
  /** Null when the page link (cursor) is not one we gave: start the search again. */
  page: DeliveriesPage | null;
}

/**
 * The keyset cursor is "rows strictly before (createdAt, id)": an `until` day starts the walk just after that
 * day ends, so the first page stops at the end of `until` (UTC).
 */
function untilCursor(day: string): string {
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return Buffer.from(JSON.stringify([end, '']), 'utf8').toString('base64url');
}

/** The deliveries page's search: its page of results (null for a stale link) beside the subscriptions to filter by. */
export async function deliverySearch(deps: { pool: Pool; box: SecretBox }, search: DeliverySearch | null): Promise<DeliverySearchResult> {
  const [subs, page] = await Promise.all([listSubscriptions(deps.pool, deps.box), search ? searchPage(deps, search) : null]);
  return { subscriptions: subs.map((s) => ({ id: s.id, name: s.name, error: s.error })), page };
}

async function searchPage(deps: { pool: Pool }, { until, ...filter }: DeliverySearch): Promise<DeliveriesPage | null> {
  const cursor = filter.cursor ?? (until ? untilCursor(until) : undefined);
  return deliveriesList(deps, { ...filter, cursor }).catch((err: unknown) => {
    if (err instanceof CursorError) return null;
    throw err;
  });
}
