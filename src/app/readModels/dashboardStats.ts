// The figures behind the dashboard charts: deliveries per hour (24 h) or per day (30 d) by outcome, and attempt
// latency p50/p95 per bucket. ONE statement per chart, each a range scan of a migration-004 index. Read-only.
// Buckets are UTC hours / UTC days; every bucket of the window is returned, empty ones as zeros / nulls.
import type { Pool } from 'pg';
import { aggregateQuery } from './aggregateQuery';
import { ATTEMPT_SUBSCRIPTION, MEASURED_ATTEMPT, OUTCOMES, outcomeOf, type Outcome } from './statsRules';

export type BucketUnit = 'hour' | 'day';

const UNIT_MS: Record<BucketUnit, number> = { hour: 3_600_000, day: 86_400_000 };

export interface Window {
  unit: BucketUnit;
  /** Start of the first bucket (inclusive) and end of the last (exclusive), ISO. */
  from: string;
  to: string;
  /** Bucket starts, oldest first. */
  starts: string[];
}

/** Starts of `count` buckets of `sizeMs` (aligned on the Unix epoch, so UTC) ending with the one that holds `now`. */
export function bucketStarts(sizeMs: number, count: number, now: Date): string[] {
  const last = Math.floor(now.getTime() / sizeMs) * sizeMs;
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * sizeMs).toISOString());
}

/** `count` whole UTC hours or days ending with the one that holds `now`. */
export function windowOf(unit: BucketUnit, count: number, now: Date): Window {
  const starts = bucketStarts(UNIT_MS[unit], count, now);
  return { unit, from: starts[0]!, to: new Date(Date.parse(starts.at(-1)!) + UNIT_MS[unit]).toISOString(), starts };
}

export interface VolumeBucket {
  start: string;
  counts: Record<Outcome, number>;
  total: number;
}

export interface VolumeChart extends Omit<Window, 'starts'> {
  buckets: VolumeBucket[];
  totals: Record<Outcome, number>;
  total: number;
}

export interface LatencyBucket {
  start: string;
  /** Attempts with a latency in the bucket; p50/p95 null when none. */
  attempts: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface LatencyChart extends Omit<Window, 'starts'> {
  buckets: LatencyBucket[];
  overall: Omit<LatencyBucket, 'start'>;
}

export interface ChartScope {
  now?: Date;
  /** Only this subscription's deliveries / attempts. */
  subscriptionId?: string;
}

const zeros = (): Record<Outcome, number> => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
const iso = (v: Date | string): string => new Date(v).toISOString();
const ms = (v: number | null): number | null => (v === null ? null : Math.round(v));

/**
 * Deliveries created in each bucket, by outcome (statsRules.outcomeOf): counted by status and first try or not in
 * SQL (an index-only scan of deliveries_dashboard), named in outcomeOf.
 */
export async function deliveryVolume(pool: Pool, unit: BucketUnit, count: number, scope: ChartScope = {}): Promise<VolumeChart> {
  const w = windowOf(unit, count, scope.now ?? new Date());
  const { rows } = await aggregateQuery(
    pool,
    `SELECT date_bin($1::interval, d.created_at, $2::timestamptz) AS bucket, d.status, d.attempts <= 1 AS first_try, count(*)::int AS n
       FROM deliveries d
      WHERE d.created_at >= $2::timestamptz AND d.created_at < $3::timestamptz AND ($4::text IS NULL OR d.subscription_id = $4)
      GROUP BY 1, 2, 3`,
    [`1 ${unit}`, w.from, w.to, scope.subscriptionId ?? null],
  );
  const byStart = new Map(w.starts.map((start) => [start, { start, counts: zeros(), total: 0 }]));
  const totals = zeros();
  for (const r of rows) {
    const bucket = byStart.get(iso(r.bucket));
    if (!bucket) continue;
    const outcome = outcomeOf(r.status, r.first_try ? 1 : 2);
    bucket.counts[outcome] += r.n;
    bucket.total += r.n;
    totals[outcome] += r.n;
  }
  return { unit, from: w.from, to: w.to, buckets: [...byStart.values()], totals, total: OUTCOMES.reduce((n, o) => n + totals[o], 0) };
}

/**
 * p50 / p95 of the attempts with a latency (statsRules.MEASURED_ATTEMPT) started in each bucket, and over the
 * whole window (one statement: GROUPING SETS). An index-only scan of attempts_latency, or of attempts_by_subscription
 * for one subscription.
 */
export async function attemptLatency(pool: Pool, unit: BucketUnit, count: number, scope: ChartScope = {}): Promise<LatencyChart> {
  const w = windowOf(unit, count, scope.now ?? new Date());
  const { rows } = await aggregateQuery(
    pool,
    `SELECT date_bin($1::interval, a.started_at, $2::timestamptz) AS bucket, count(*)::int AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95
       FROM attempts a
      WHERE a.started_at >= $2::timestamptz AND a.started_at < $3::timestamptz AND ${MEASURED_ATTEMPT}
        AND ($4::text IS NULL OR ${ATTEMPT_SUBSCRIPTION} = $4)
      GROUP BY GROUPING SETS ((date_bin($1::interval, a.started_at, $2::timestamptz)), ())`,
    [`1 ${unit}`, w.from, w.to, scope.subscriptionId ?? null],
  );
  const byStart = new Map(w.starts.map((start) => [start, { start, attempts: 0, p50Ms: null, p95Ms: null } as LatencyBucket]));
  let overall: LatencyChart['overall'] = { attempts: 0, p50Ms: null, p95Ms: null };
  for (const r of rows) {
    const figures = { attempts: r.n, p50Ms: ms(r.p50), p95Ms: ms(r.p95) };
    if (r.bucket === null) overall = figures;
    else {
      const bucket = byStart.get(iso(r.bucket));
      if (bucket) Object.assign(bucket, figures);
    }
  }
  return { unit, from: w.from, to: w.to, buckets: [...byStart.values()], overall };
}

export interface DashboardCharts {
  hourly: VolumeChart;
  daily: VolumeChart;
  latency: LatencyChart;
}

/** The to-do page's three charts (three statements, run side by side). */
export async function dashboardCharts(pool: Pool, scope: ChartScope = {}): Promise<DashboardCharts> {
  const now = scope.now ?? new Date();
  const [hourly, daily, latency] = await Promise.all([
    deliveryVolume(pool, 'hour', 24, { ...scope, now }),
    deliveryVolume(pool, 'day', 30, { ...scope, now }),
    attemptLatency(pool, 'hour', 24, { ...scope, now }),
  ]);
  return { hourly, daily, latency };
}
