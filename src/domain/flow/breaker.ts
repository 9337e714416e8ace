// The circuit breaker's rules (issue 15), pure: which attempts it counts, what a Retry-After holds back, what
// a batch of attempts tells it, and the breaker workflow's probe schedule. The count and the pause themselves
// are kept and applied in Postgres by the flow-control adapter (src/infra/db/flowControl.ts).

/** Attempt errors that never reached the receiver: the breaker does not count them (our secret, render, address rules, an abort). */
export const NOT_THE_RECEIVER: readonly string[] = ['ssrf', 'invalid_url', 'secret', 'render', 'missing', 'aborted'];

/** One attempt as the breaker tallies it, in order, under the subscription's lock. */
export interface AttemptTally {
  subscriptionId: string;
  success: boolean;
  /** 429/503 Retry-After: hold the whole subscription back this long */
  holdMs: number | null;
  pauseAfterFailures: number;
}

/** An attempt that ended, with what its context saw of the breaker as it started. */
export interface EndedAttempt {
  subscriptionId: string;
  outcome: string;
  errorKind: string | null;
  statusCode: number | null;
  retryAfterMs: number | null;
  pauseAfterFailures: number;
  /** The breaker as the attempt's context was loaded. */
  seen: { consecutiveFailures: number; paused: boolean };
}

/** What a batch of attempts tells the breaker: tallies, and the subscriptions of the "quiet" successes. */
export interface BreakerReport { tallies: AttemptTally[]; quietSuccesses: string[] }

/** A 429 or 503 with a Retry-After holds the whole subscription back that long; anything else holds nothing. */
export function retryAfterHoldMs(statusCode: number | null, retryAfterMs: number | null): number | null {
  return (statusCode === 429 || statusCode === 503) && retryAfterMs ? retryAfterMs : null;
}

/** Only what the receiver did counts: an abort, or a request that never left, says nothing of it. */
export const countsForBreaker = (a: Pick<EndedAttempt, 'outcome' | 'errorKind'>): boolean =>
  a.outcome !== 'aborted' && !NOT_THE_RECEIVER.includes(a.errorKind ?? '');

/**
 * What the attempts tell the breaker. A failure, a Retry-After hold, or a success where this attempt's context
 * saw a count or a pause goes through the tally (in order, under the subscription's lock). A success that saw
 * nothing to reset is "quiet": it resets the count in the lease release's round trip instead of being skipped,
 * because other attempts of the subscription may have failed since its context was loaded (skipping it let a
 * burst of alternating failures and successes pause a healthy subscription).
 */
export function breakerReport(attempts: readonly EndedAttempt[]): BreakerReport {
  const report: BreakerReport = { tallies: [], quietSuccesses: [] };
  for (const a of attempts.filter(countsForBreaker)) {
    const holdMs = retryAfterHoldMs(a.statusCode, a.retryAfterMs);
    const success = a.outcome === 'success';
    if (success && holdMs === null && a.seen.consecutiveFailures === 0 && !a.seen.paused) report.quietSuccesses.push(a.subscriptionId);
    else report.tallies.push({ subscriptionId: a.subscriptionId, success, holdMs, pauseAfterFailures: a.pauseAfterFailures });
  }
  return report;
}

const MINUTE = 60_000;
/** Waits between probes while paused (the last repeats), and how long a pause may last before the subscription is disabled. */
export const DEFAULT_PROBE_SCHEDULE_MS: readonly number[] = [5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 60 * MINUTE];
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 60 * MINUTE;

/** The wait before probe number `probe` (0-based): its step of the schedule, cut short where the pause reaches its limit. */
export function probeWaitMs(schedule: readonly number[], probe: number, pausedForMs: number, disableAfterMs: number): number {
  const left = disableAfterMs - pausedForMs;
  return Math.min(schedule[Math.min(probe, schedule.length - 1)]!, Math.max(left, 0));
}

/** Paused this long, the subscription is disabled. */
export const pausedTooLong = (pausedForMs: number, disableAfterMs: number): boolean => pausedForMs >= disableAfterMs;

/** "5 days", "1.5 days", "6 hours", "90 minutes": how long the pause lasted, for the disabled reason. */
export function spanText(ms: number): string {
  const [size, unit] = ms >= 24 * 60 * MINUTE ? [24 * 60 * MINUTE, 'day'] : ms >= 2 * 60 * MINUTE ? [60 * MINUTE, 'hour'] : [MINUTE, 'minute'];
  const n = Math.round((ms / size) * 10) / 10;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
