// A delivery's statuses and an attempt's outcomes: the vocabulary the delivery rules (transition.ts) speak.
// Pure: no I/O, no clock; imported by the workflow sandbox, the activities and the read side alike.

/**
 * `queued`: held back without an attempt: behind an open delivery of the same resource (ordering), while its
 * subscription is paused (circuit breaker) or over its rate limit; `waitingFor` says which.
 * `superseded`: closed unsent, a later update of the same resource replaces it (collapse).
 */
export type DeliveryStatus =
  | 'pending' | 'queued' | 'delivering' | 'delivered' | 'retrying' | 'failed' | 'processed' | 'cancelled' | 'superseded';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending', 'queued', 'delivering', 'delivered', 'retrying', 'failed', 'processed', 'cancelled', 'superseded',
];
/** Statuses after which a delivery never sends again. */
export const CLOSED_STATUSES: readonly DeliveryStatus[] = ['delivered', 'processed', 'cancelled', 'superseded'];

export const isClosedStatus = (status: DeliveryStatus): boolean => CLOSED_STATUSES.includes(status);

/**
 * `failed`: the attempt failed and no retry follows (ladder exhausted, or retrying cannot help).
 * `cancelled`: not sent, the subscription is disabled or deleted. `aborted`: cut off by an operator action.
 */
export type AttemptOutcome = 'success' | 'retry' | 'failed' | 'gone' | 'cancelled' | 'aborted';

/** What the send activity reports for one delivery: an attempt's outcome, or `held` / `superseded` (nothing sent). */
export type ResultOutcome = AttemptOutcome | 'held' | 'superseded';
