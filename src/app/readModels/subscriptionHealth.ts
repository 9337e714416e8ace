// Per-subscription health, for every live subscription in ONE statement: attempt success rate over 24 h and
// 7 d, p95 latency (24 h), last success, the current failure streak, open and failed deliveries, and a 7-day
// sparkline (6-hour buckets). Every part is a range of a migration-004 index. Read-only. Also owns what
// "worst first" means (healthLevel, byWorstFirst), so the web page and the API order alike.
import type { Pool } from 'pg';
import { PAUSE_JOIN } from '../../infra/db/flowControl';
import { aggregateQuery } from './aggregateQuery';
import { bucketStarts } from './dashboardStats';
import { ATTEMPT_SUBSCRIPTION, closedStatuses, MEASURED_ATTEMPT, RECEIVER_ATTEMPT } from './statsRules';

export const SPARK_BUCKETS = 28;
const SPARK_BUCKET_MS = 6 * 3_600_000;
const DAY_MS = 86_400_000;

export interface SparkBucket {
  start: string;
  successes: number;
  failures: number;
}

export interface SubscriptionHealth {
  subscriptionId: string;
  name: string;
  enabled: boolean;
  /** Attempts (all but those an operator cut off) and the successful ones; rates are null without attempts. */
  attempts24h: number;
  successes24h: number;
  successRate24h: number | null;
  attempts7d: number;
  successes7d: number;
  successRate7d: number | null;
  /** Over the attempts of the last 24 h that got an answer or timed out. */
  p95LatencyMs24h: number | null;
  lastSuccessAt: string | null;
  /** Failed attempts since the last successful one (all of them when it never succeeded), and when they began. */
  consecutiveFailures: number;
  failingSince: string | null;
  /** Deliveries not closed yet (failed ones included), and the failed ones waiting for an operator. */
  openDeliveries: number;
  failedDeliveries: number;
  sparkline: SparkBucket[];
  /** When the circuit breaker paused it (issue 15); null when it is not paused. */
  pausedSince: string | null;
  level: HealthLevel;
}

/**
 * paused: the circuit breaker holds its deliveries back; failing: the receiver keeps refusing now; degraded: it
 * fails sometimes or left failures behind; idle: no traffic.
 */
export type HealthLevel = 'paused' | 'failing' | 'degraded' | 'healthy' | 'idle';
const LEVEL_RANK: Record<HealthLevel, number> = { paused: 0, failing: 1, degraded: 2, healthy: 3, idle: 4 };
/** A streak this long is "failing" even when some attempt succeeded today. */
export const FAILING_STREAK = 3;
/** Below this 24-hour success rate a subscription is "degraded". */
export const DEGRADED_RATE = 0.95;

type Figures = Omit<SubscriptionHealth, 'level'>;

export function healthLevel(h: Figures): HealthLevel {
  if (h.pausedSince) return 'paused';
  if (h.consecutiveFailures >= FAILING_STREAK || (h.attempts24h > 0 && h.successes24h === 0)) return 'failing';
  if (h.consecutiveFailures > 0 || h.failedDeliveries > 0 || (h.successRate24h ?? 1) < DEGRADED_RATE) return 'degraded';
  if (h.attempts7d === 0 && h.openDeliveries === 0) return 'idle';
  return 'healthy';
}

/** Worst first: level, longest streak, most failed deliveries, lowest success rate (24 h, then 7 d), name. */
export function byWorstFirst(a: SubscriptionHealth, b: SubscriptionHealth): number {
  return LEVEL_RANK[a.level] - LEVEL_RANK[b.level]
    || b.consecutiveFailures - a.consecutiveFailures
    || b.failedDeliveries - a.failedDeliveries
    || (a.successRate24h ?? 2) - (b.successRate24h ?? 2)
    || (a.successRate7d ?? 2) - (b.successRate7d ?? 2)
    || a.name.localeCompare(b.name);
}

const rate = (ok: number, all: number): number | null => (all === 0 ? null : ok / all);
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/**
 * Per subscription: the attempts of the last 7 days counted once, grouped by sparkline bucket and by whether they
 * fall in the last 24 h / 7 d ($2 / $3); p95 over the last 24 h; the last success; the attempts since; the open
 * deliveries. Every attempts part is an index-only range of attempts_by_subscription.
 */
const HEALTH_SQL = `
SELECT s.id, s.name, s.enabled, w.groups, p.p95_24h, last.at AS last_success_at, streak.n AS streak, streak.since AS failing_since,
       open.n AS open_deliveries, open.failed AS failed_deliveries, fc.paused_at
  FROM subscriptions s
  ${PAUSE_JOIN}
 CROSS JOIN LATERAL (
   SELECT COALESCE(jsonb_agg(jsonb_build_array(g.bucket, g.in_24h, g.in_7d, g.n, g.ok)), '[]'::jsonb) AS groups
     FROM (SELECT date_bin('6 hours', a.started_at, $4) AS bucket, a.started_at >= $2 AS in_24h, a.started_at >= $3 AS in_7d,
                  count(*)::int AS n, count(*) FILTER (WHERE a.outcome = 'success')::int AS ok
             FROM attempts a
            WHERE ${ATTEMPT_SUBSCRIPTION} = s.id AND a.started_at >= LEAST($3, $4) AND a.started_at <= $1 AND ${RECEIVER_ATTEMPT}
            GROUP BY 1, 2, 3) g
 ) w
 CROSS JOIN LATERAL (
   SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95_24h
     FROM attempts a
    WHERE ${ATTEMPT_SUBSCRIPTION} = s.id AND a.started_at >= $2 AND a.started_at <= $1 AND ${MEASURED_ATTEMPT} AND ${RECEIVER_ATTEMPT}
 ) p
 CROSS JOIN LATERAL (
   SELECT max(a.started_at) AS at FROM attempts a WHERE ${ATTEMPT_SUBSCRIPTION} = s.id AND a.outcome = 'success'
 ) last
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS n, min(a.started_at) AS since FROM attempts a
    WHERE ${ATTEMPT_SUBSCRIPTION} = s.id AND a.started_at > COALESCE(last.at, '-infinity') AND a.outcome <> 'success' AND ${RECEIVER_ATTEMPT}
 ) streak
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS n, count(*) FILTER (WHERE d.status = 'failed')::int AS failed
     FROM deliveries d WHERE d.subscription_id = s.id AND d.status <> ALL($5::text[])
 ) open
 WHERE s.deleted_at IS NULL AND ($6::text IS NULL OR s.id = $6)`;

type Group = [bucket: string, in24h: boolean, in7d: boolean, attempts: number, successes: number];

/** The 24 h / 7 d counts and the sparkline, summed from the query's groups. */
function tally(groups: Group[], sparkStarts: string[]) {
  const spark = new Map(sparkStarts.map((start) => [start, { start, successes: 0, failures: 0 }]));
  const t = { attempts24h: 0, successes24h: 0, attempts7d: 0, successes7d: 0 };
  for (const [bucket, in24h, in7d, n, ok] of groups) {
    if (in24h) {
      t.attempts24h += n;
      t.successes24h += ok;
    }
    if (in7d) {
      t.attempts7d += n;
      t.successes7d += ok;
    }
    const slot = spark.get(new Date(bucket).toISOString());
    if (slot) {
      slot.successes += ok;
      slot.failures += n - ok;
    }
  }
  return { ...t, sparkline: [...spark.values()] };
}

/** Health of every live subscription (or only `subscriptionId`), worst first. */
export async function subscriptionHealth(pool: Pool, opts: { now?: Date; subscriptionId?: string } = {}): Promise<SubscriptionHealth[]> {
  const now = opts.now ?? new Date();
  const sparkStarts = bucketStarts(SPARK_BUCKET_MS, SPARK_BUCKETS, now);
  const { rows } = await aggregateQuery(pool, HEALTH_SQL, [
    now.toISOString(), new Date(now.getTime() - DAY_MS).toISOString(), new Date(now.getTime() - 7 * DAY_MS).toISOString(),
    sparkStarts[0], closedStatuses(), opts.subscriptionId ?? null,
  ]);
  return rows.map((r): SubscriptionHealth => {
    const t = tally(r.groups, sparkStarts);
    const figures: Figures = {
      subscriptionId: r.id, name: r.name, enabled: r.enabled,
      attempts24h: t.attempts24h, successes24h: t.successes24h, successRate24h: rate(t.successes24h, t.attempts24h),
      attempts7d: t.attempts7d, successes7d: t.successes7d, successRate7d: rate(t.successes7d, t.attempts7d),
      p95LatencyMs24h: r.p95_24h === null ? null : Math.round(r.p95_24h),
      lastSuccessAt: isoOrNull(r.last_success_at),
      consecutiveFailures: r.streak, failingSince: r.streak > 0 ? isoOrNull(r.failing_since) : null,
      openDeliveries: r.open_deliveries, failedDeliveries: r.failed_deliveries,
      sparkline: t.sparkline,
      pausedSince: isoOrNull(r.paused_at ?? null),
    };
    return { ...figures, level: healthLevel(figures) };
  }).sort(byWorstFirst);
}
