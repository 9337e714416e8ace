// The rules the dashboard charts and the subscription health figures share, stated once: which outcome a delivery
// counts under, which attempts have a latency, which attempts are the receiver's (the last three as SQL fragments).
// Statuses this module does not name are tolerated: open ones count as in progress, closed ones as other.
import { CLOSED_STATUSES } from '../../../workflows/definitions';

/** A delivery's outcome in the charts, in stacking order (bottom first). */
export const OUTCOMES = ['firstTry', 'afterRetries', 'failed', 'processed', 'inProgress', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  firstTry: 'delivered first try',
  afterRetries: 'delivered after retries',
  failed: 'failed',
  processed: 'processed',
  inProgress: 'in progress',
  other: 'cancelled or superseded',
};

/**
 * The outcome a delivery counts under. Delivered with one attempt is a first-try success; with more (retries, a
 * re-sync), after retries. A status this version does not know counts as in progress unless CLOSED_STATUSES names it.
 */
export function outcomeOf(status: string, attempts: number): Outcome {
  if (status === 'delivered') return attempts <= 1 ? 'firstTry' : 'afterRetries';
  if (status === 'failed' || status === 'processed') return status;
  return (CLOSED_STATUSES as readonly string[]).includes(status) ? 'other' : 'inProgress';
}

/** The closed statuses, as a `$n::text[]` parameter. */
export const closedStatuses = (): string[] => [...CLOSED_STATUSES];

/** Attempts of `a` that have a latency: the receiver answered (any HTTP status) or let the attempt time out. */
export const MEASURED_ATTEMPT = `(a.status_code IS NOT NULL OR a.error_kind = 'timeout')`;

/** Attempts of `a` that say something about the receiver: all but those an operator cut off (`aborted`). */
export const RECEIVER_ATTEMPT = `a.outcome <> 'aborted'`;

/** The subscription of attempt `a`, read from its delivery id; matches index attempts_by_subscription (migration 004). */
export const ATTEMPT_SUBSCRIPTION = 'delivery_subscription_id(a.delivery_id)';
