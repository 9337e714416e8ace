// Flow control behind one port (issues 15, 21): the per-subscription rate limit, maxInFlight leases,
// Retry-After holds and the circuit breaker's count and pause, shared by every worker. The send path
// (activities/gate.ts, record.ts), the breaker (activities/breaker.ts) and the operator paths (resume, the
// to-do list) talk to `flowControl(pool)` only; the rules are pure in src/domain/flow. Storage: the tables
// and PL/pgSQL of migration 005 (flow_lock, flow_acquire, flow_tally) belong to this adapter: they decide
// under the subscription's row lock on the Postgres clock. One round trip per call; never sends or sleeps.
import type { Pool } from 'pg';
import type { SlotAnswer } from '../../domain/flow/admission';
import { NOT_THE_RECEIVER, type AttemptTally, type BreakerReport } from '../../domain/flow/breaker';
import { IN_FLIGHT_POLL_MS, LEASE_MS, RATE_WINDOW_MS, pauseThreshold, validLimits, type FlowLimits } from '../../domain/flow/limits';
import { formatWaitingFor, waitingForPause } from '../../domain/flow/waitingFor';
import type { WakeTarget } from '../../../workflows/definitions';
import { deliveriesWaitingForPause } from './ordering';

export { IN_FLIGHT_POLL_MS, LEASE_MS, RATE_WINDOW_MS, type AttemptTally, type FlowLimits, type SlotAnswer };
export interface SlotRequest { subscriptionId: string; deliveryId: string; limits: FlowLimits; probe: boolean }
export interface FlowState { subscriptionId: string; consecutiveFailures: number; pausedAt: Date | null; heldUntil: Date | null; inFlight: number }
/** Subscriptions a tally paused (the breaker must run) and those a probe's success resumed (the breaker is told). */
export interface BreakerChange { paused: string[]; resumed: string[] }
export type ProbeView = { paused: false } | { paused: true; waiting: WakeTarget[] };

/** The port: what the send path and the operators may ask of flow control. */
export interface FlowControl {
  /** One answer per request, in order: granted (with a lease on a maxInFlight slot), wait, or paused (not a probe). */
  admit(requests: readonly SlotRequest[]): Promise<SlotAnswer[]>;
  /** After a batch: gives back its granted slots and tallies what its attempts told the breaker. */
  recordOutcomes(granted: readonly string[], report: BreakerReport): Promise<BreakerChange>;
  /** Deliveries an operator marked processed: their subscriptions' failure streaks start again (a pause stays). */
  forgiveStreaks(deliveryIds: readonly string[]): Promise<void>;
  state(subscriptionId: string): Promise<FlowState>;
  /** For the breaker's probe: whether it is still paused and the deliveries it holds back, oldest first. */
  probe(subscriptionId: string): Promise<ProbeView>;
  /** The deliveries the pause held back, oldest first (woken once it resumes). */
  heldByPause(subscriptionId: string): Promise<WakeTarget[]>;
  /** Clears the pause and the failure count (an operator, or the breaker disabling it); true if it was paused. */
  resume(subscriptionId: string): Promise<boolean>;
  /** The enabled subscriptions held paused, oldest pause first. */
  paused(): Promise<PausedSubscription[]>;
}

/** The most deliveries a pause's probe or release looks at. */
const HELD_LIMIT = 100_000;
const PAUSE = formatWaitingFor(waitingForPause);

export function flowControl(pool: Pool): FlowControl {
  const heldByPause = (subscriptionId: string) => deliveriesWaitingForPause(pool, subscriptionId, PAUSE, HELD_LIMIT);
  return {
    admit: (requests) => acquireSlots(pool, requests),
    recordOutcomes: (granted, report) => recordOutcomes(pool, granted, report),
    forgiveStreaks: (deliveryIds) => resetStreakOnProcessed(pool, deliveryIds),
    state: (subscriptionId) => flowState(pool, subscriptionId),
    probe: async (subscriptionId) => ((await flowState(pool, subscriptionId)).pausedAt
      ? { paused: true, waiting: await heldByPause(subscriptionId) }
      : { paused: false }),
    heldByPause,
    resume: (subscriptionId) => resumeSubscription(pool, subscriptionId),
    paused: () => pausedSubscriptions(pool),
  };
}

async function recordOutcomes(pool: Pool, granted: readonly string[], report: BreakerReport): Promise<BreakerChange> {
  const [, change] = await Promise.all([releaseSlots(pool, granted, report.quietSuccesses), tallyAttempts(pool, report.tallies)]);
  return change;
}

export interface AcquireOptions { leaseMs?: number }

/** One round trip for a batch (requests of several subscriptions, several per subscription). Grants take a lease per delivery. */
export async function acquireSlots(pool: Pool, requests: readonly SlotRequest[], options: AcquireOptions = {}): Promise<SlotAnswer[]> {
  if (requests.length === 0) return [];
  for (const r of requests) {
    if (!validLimits(r.limits)) {
      throw new RangeError(`flow limits of ${r.subscriptionId} must be positive: ${JSON.stringify(r.limits)}`);
    }
  }
  const { rows } = await pool.query<{ ord: number; kind: 'granted' | 'wait' | 'paused'; wait_ms: number | null }>(
    'SELECT ord, kind, wait_ms FROM flow_acquire($1::text[], $2::text[], $3::float8[], $4::integer[], $5::boolean[], $6, $7, $8)',
    [
      requests.map((r) => r.subscriptionId),
      requests.map((r) => r.deliveryId),
      requests.map((r) => r.limits.maxPerSecond),
      requests.map((r) => Math.floor(r.limits.maxInFlight)),
      requests.map((r) => r.probe),
      RATE_WINDOW_MS,
      options.leaseMs ?? LEASE_MS,
      IN_FLIGHT_POLL_MS,
    ],
  );
  const answers: SlotAnswer[] = new Array(requests.length);
  for (const row of rows) {
    answers[row.ord - 1] = row.kind === 'wait' ? { kind: 'wait', waitMs: Math.max(1, row.wait_ms ?? IN_FLIGHT_POLL_MS) } : { kind: row.kind };
  }
  return answers;
}

/**
 * Ends the leases of these deliveries and, for the subscriptions given as just having had a success, resets
 * a failure count another attempt raised meanwhile (a pause is left to the breaker's probe). One round trip;
 * idempotent.
 */
export async function releaseSlots(pool: Pool, deliveryIds: readonly string[], successesOf: readonly string[] = []): Promise<void> {
  if (deliveryIds.length === 0 && successesOf.length === 0) return;
  await pool.query(
    `WITH released AS (DELETE FROM flow_leases WHERE delivery_id = ANY($1::text[]))
     UPDATE flow_control SET consecutive_failures = 0
      WHERE subscription_id = ANY($2::text[]) AND consecutive_failures > 0 AND paused_at IS NULL`,
    [deliveryIds, [...new Set(successesOf)]],
  );
}

/**
 * Counts consecutive failed attempts per subscription (a success resets to 0). Returns the subscriptions
 * this tally paused and those it resumed, as the net change over the batch. One round trip.
 */
export async function tallyAttempts(pool: Pool, tallies: readonly AttemptTally[]): Promise<BreakerChange> {
  if (tallies.length === 0) return { paused: [], resumed: [] };
  const { rows } = await pool.query<{ sub_id: string; change: 'paused' | 'resumed' }>(
    'SELECT sub_id, change FROM flow_tally($1::text[], $2::boolean[], $3::float8[], $4::integer[])',
    [
      tallies.map((t) => t.subscriptionId),
      tallies.map((t) => t.success),
      tallies.map((t) => t.holdMs),
      tallies.map((t) => pauseThreshold(t.pauseAfterFailures)),
    ],
  );
  return {
    paused: rows.filter((r) => r.change === 'paused').map((r) => r.sub_id),
    resumed: rows.filter((r) => r.change === 'resumed').map((r) => r.sub_id),
  };
}

/** Zeros and nulls for a subscription never seen; heldUntil only while the hold lasts; inFlight counts live leases. */
export async function flowState(pool: Pool, subscriptionId: string): Promise<FlowState> {
  const { rows } = await pool.query<{ failures: number; paused_at: Date | null; held_until: Date | null; in_flight: number }>(
    `SELECT coalesce(f.consecutive_failures, 0) AS failures, f.paused_at,
            CASE WHEN f.held_until > now() THEN f.held_until END AS held_until,
            (SELECT count(*)::integer FROM flow_leases l WHERE l.subscription_id = v.id AND l.expires_at > now()) AS in_flight
       FROM (VALUES ($1::text)) AS v(id) LEFT JOIN flow_control f ON f.subscription_id = v.id`,
    [subscriptionId],
  );
  const row = rows[0]!;
  return { subscriptionId, consecutiveFailures: row.failures, pausedAt: row.paused_at, heldUntil: row.held_until, inFlight: row.in_flight };
}

/** Clears the pause and the failure count; true if it was paused. */
export async function resumeSubscription(pool: Pool, subscriptionId: string): Promise<boolean> {
  const { rows } = await pool.query<{ was_paused: boolean }>(
    `UPDATE flow_control f SET paused_at = NULL, consecutive_failures = 0
       FROM (SELECT subscription_id, paused_at FROM flow_control WHERE subscription_id = $1 FOR UPDATE) AS old
      WHERE f.subscription_id = old.subscription_id
      RETURNING old.paused_at IS NOT NULL AS was_paused`,
    [subscriptionId],
  );
  return rows[0]?.was_paused ?? false;
}

export interface PausedSubscription {
  subscriptionId: string;
  name: string;
  pausedAt: Date;
  consecutiveFailures: number;
  /** Deliveries held back by the pause (queued, waiting for the subscription). */
  waiting: number;
}

/** Subscriptions the circuit breaker holds paused (enabled ones), with how many deliveries they hold back; oldest pause first. */
export async function pausedSubscriptions(pool: Pool): Promise<PausedSubscription[]> {
  const { rows } = await pool.query(
    `SELECT f.subscription_id, s.name, f.paused_at, f.consecutive_failures,
            (SELECT count(*)::int FROM deliveries d WHERE d.subscription_id = f.subscription_id AND d.status = 'queued' AND d.waiting_for = $1) AS waiting
       FROM flow_control f JOIN subscriptions s ON s.id = f.subscription_id
      WHERE f.paused_at IS NOT NULL AND s.enabled AND s.deleted_at IS NULL
      ORDER BY f.paused_at`,
    [PAUSE],
  );
  return rows.map((r) => ({
    subscriptionId: r.subscription_id, name: r.name, pausedAt: r.paused_at, consecutiveFailures: r.consecutive_failures, waiting: r.waiting,
  }));
}

/**
 * Marking a delivery processed resets its subscription's failure streak (issue 20): the operator has dealt with
 * the failures so far, so the next failure starts a new streak instead of pausing at once. A pause is left
 * alone (it ends with a probe's success or "resume now"). One round trip; idempotent.
 */
export async function resetStreakOnProcessed(pool: Pool, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await pool.query(
    `UPDATE flow_control f SET consecutive_failures = 0
       FROM deliveries d
      WHERE d.id = ANY($1::text[]) AND f.subscription_id = d.subscription_id AND f.paused_at IS NULL AND f.consecutive_failures > 0`,
    [deliveryIds],
  );
}

/** Attempt errors that never reached the receiver: the breaker does not count them (src/domain/flow/breaker.ts). */
const NOT_COUNTED = NOT_THE_RECEIVER.map((kind) => `'${kind}'`).join(', ');

/** For a query over subscriptions aliased `s`: joins the flow-control row as `fc` (pauseColumns reads it; `fc.paused_at` is the pause). */
export const PAUSE_JOIN = 'LEFT JOIN flow_control fc ON fc.subscription_id = s.id';

/**
 * SQL columns describing the pause of the subscription aliased `s`, given PAUSE_JOIN:
 * pause_since, pause_failures, pause_waiting (deliveries held back by it) and pause_last_error (the last
 * failed attempt that counted). The subqueries run only for a paused subscription.
 */
export function pauseColumns(): string {
  const waiting = `'${PAUSE.replace(/'/g, "''")}'`;
  return `fc.paused_at AS pause_since, fc.consecutive_failures AS pause_failures,
    CASE WHEN fc.paused_at IS NOT NULL THEN (SELECT count(*)::int FROM deliveries pd
      WHERE pd.subscription_id = s.id AND pd.status = 'queued' AND pd.waiting_for = ${waiting}) END AS pause_waiting,
    CASE WHEN fc.paused_at IS NOT NULL THEN (SELECT CASE WHEN pa.error_kind IS NOT NULL THEN pa.error_kind || ': ' || coalesce(pa.error_message, '')
                                                       ELSE 'HTTP ' || pa.status_code END
      FROM attempts pa WHERE delivery_subscription_id(pa.delivery_id) = s.id AND pa.outcome IN ('retry', 'failed', 'gone')
       AND coalesce(pa.error_kind, '') NOT IN (${NOT_COUNTED}) ORDER BY pa.started_at DESC LIMIT 1) END AS pause_last_error`;
}
