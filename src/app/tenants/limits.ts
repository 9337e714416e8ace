// Per-tenant limits (tenants.limits): how many events a second a tenant may post, shared by every gateway, and
// how many subscriptions it may have. The rules live here; the SQL in ../../infra/db/tenantLimits.ts.
import type { Pool } from 'pg';
import type { FieldError } from '../../domain/events/schema';
import { subscriptionLimitOf, takeIngestToken, type IngestRate } from '../../infra/db/tenantLimits';
import type { TenantLimits } from '../../infra/db/tenants';

export type Admission = { admitted: true } | { admitted: false; eventsPerSecond: number; retryAfterSeconds: number };

/** The bucket of a rate: sustained `eventsPerSecond`, a burst of one second's worth (at least one event). */
export function ingestRateOf(eventsPerSecond: number): IngestRate {
  const intervalMs = 1000 / eventsPerSecond;
  const burst = Math.max(1, Math.floor(eventsPerSecond));
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/** Retry-After in whole seconds, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/**
 * Whether the tenant may post one more event now. Without limits.eventsPerSecond: admitted, no statement.
 * `pool` is the whole database (the bucket is the gateways' bookkeeping, not the tenant's data).
 */
export async function admitEvent(pool: Pool, tenant: { id: string; limits: TenantLimits }): Promise<Admission> {
  const eventsPerSecond = tenant.limits.eventsPerSecond;
  if (typeof eventsPerSecond !== 'number' || !(eventsPerSecond > 0)) return { admitted: true };
  const taken = await takeIngestToken(pool, tenant.id, ingestRateOf(eventsPerSecond));
  return taken.admitted ? { admitted: true } : { admitted: false, eventsPerSecond, retryAfterSeconds: retryAfterSeconds(taken.waitMs) };
}

/** A creation refused because the tenant has as many subscriptions as limits.subscriptions allows. */
export interface SubscriptionLimitReached {
  limit: number;
  errors: FieldError[];
}

/** Runs a subscription creation; the limit's refusal (enforced in Postgres, concurrent creations too) becomes an outcome. */
export async function withinSubscriptionLimit<T>(create: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reached: SubscriptionLimitReached }> {
  try {
    return { ok: true, value: await create() };
  } catch (err) {
    const limit = subscriptionLimitOf(err);
    if (limit === null) throw err;
    const message = `the tenant has reached its limit of ${limit} subscription${limit === 1 ? '' : 's'} (limits.subscriptions); delete one or have the platform raise it`;
    return { ok: false, reached: { limit, errors: [{ field: 'limits.subscriptions', message }] } };
  }
}
