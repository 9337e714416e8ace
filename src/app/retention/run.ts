// One retention run (issue 23 item 5), what the `hrhooks-retention` schedule's activity does, in this order:
// day partitions created ahead; those past the longest `events` period among tenants dropped (attempts of open
// deliveries moved out first); then per tenant, row by row, bodies stripped and closed deliveries / events
// deleted past its own periods. Returns counts only (no personal data, nothing of a tenant's rows).
import type { Pool } from 'pg';
import {
  cutoffsFor, daysAhead, effectiveRetention, longestEventsDays, partitionExpired, type RetentionPeriods,
} from '../../domain/retention/policy';
import {
  deleteExpired, dropDayPartition, exclusively, ensureDayPartitions, listDayPartitions, stripBodies, tenantRetentions,
} from '../../infra/db/retention';

/** Days of partitions kept ready ahead of today: a worker stopped for less than this writes into partitions. */
export const PARTITION_DAYS_AHEAD = 7;

/**
 * Share of the time the row-wise parts keep Postgres busy: after a batch that took t ms the run waits
 * t × (1 / share − 1). Expiry takes longer; deliveries going on meanwhile keep their latency (bench retention-expiry).
 */
export const ROW_WISE_SHARE = 0.2;
const paced = (share: number) => (batchMs: number) => new Promise<void>((r) => setTimeout(r, batchMs * (1 / share - 1)));

export interface RetentionResult {
  /** True when another run was going on (nothing done: it does the work). */
  skipped: boolean;
  partitionsCreated: number;
  partitionsDropped: string[];
  attemptsInDroppedPartitions: number;
  attemptsKeptOpen: number;
  bodiesStripped: number;
  attemptsDeleted: number;
  deliveriesDeleted: number;
  eventsDeleted: number;
  /** The longest events period among tenants, in days: partitions wait for it (and so should the Temporal namespace's retention). */
  longestEventsDays: number;
  /** Wall time of the partition part and of the row-wise part (pauses included). */
  partitionsMs: number;
  rowWiseMs: number;
}

async function periods(pool: Pool, defaults: RetentionPeriods) {
  const tenants = (await tenantRetentions(pool)).map((t) => ({ tenantId: t.tenantId, days: effectiveRetention(t.retention, defaults) }));
  return { tenants, longest: longestEventsDays(tenants.map((t) => t.days.eventsDays), effectiveRetention(undefined, defaults).eventsDays) };
}

/** The longest events period among tenants and the default, in days (what the Temporal namespace's retention follows). */
export async function longestEventsPeriod(pool: Pool, defaults: RetentionPeriods): Promise<number> {
  return (await periods(pool, defaults)).longest;
}

/** One run, unless another is going on (several workers, or a local activity run again): then `skipped`. */
export async function runRetention(pool: Pool, defaults: RetentionPeriods, now = new Date(), share = ROW_WISE_SHARE): Promise<RetentionResult> {
  const done = await exclusively(pool, () => runOnce(pool, defaults, now, share));
  return done ?? {
    skipped: true, partitionsCreated: 0, partitionsDropped: [], attemptsInDroppedPartitions: 0, attemptsKeptOpen: 0, bodiesStripped: 0,
    attemptsDeleted: 0, deliveriesDeleted: 0, eventsDeleted: 0, longestEventsDays: (await periods(pool, defaults)).longest, partitionsMs: 0, rowWiseMs: 0,
  };
}

async function runOnce(pool: Pool, defaults: RetentionPeriods, now: Date, share: number): Promise<RetentionResult> {
  const { tenants, longest } = await periods(pool, defaults);
  const started = performance.now();
  const result: RetentionResult = {
    skipped: false,
    partitionsCreated: await ensureDayPartitions(pool, daysAhead(now, PARTITION_DAYS_AHEAD)),
    partitionsDropped: [], attemptsInDroppedPartitions: 0, attemptsKeptOpen: 0,
    bodiesStripped: 0, attemptsDeleted: 0, deliveriesDeleted: 0, eventsDeleted: 0, longestEventsDays: longest,
    partitionsMs: 0, rowWiseMs: 0,
  };
  for (const partition of await listDayPartitions(pool)) {
    if (!partitionExpired(partition.day, longest, now)) continue;
    const { kept, dropped } = await dropDayPartition(pool, partition);
    result.partitionsDropped.push(partition.name);
    result.attemptsInDroppedPartitions += dropped;
    result.attemptsKeptOpen += kept;
  }
  const rowWise = performance.now();
  result.partitionsMs = Math.round(rowWise - started);
  const pace = paced(share);
  for (const tenant of tenants) {
    const cutoffs = cutoffsFor(tenant.tenantId, tenant.days, now);
    result.bodiesStripped += await stripBodies(pool, tenant.tenantId, cutoffs.bodies, pace);
    const gone = await deleteExpired(pool, tenant.tenantId, cutoffs.events, pace);
    result.attemptsDeleted += gone.attempts;
    result.deliveriesDeleted += gone.deliveries;
    result.eventsDeleted += gone.events;
  }
  result.rowWiseMs = Math.round(performance.now() - rowWise);
  return result;
}
