// A subscription's delivery limits: its defaults, what makes them valid, and the rate limiter's spacing and
// lease numbers the flow-control store applies (src/infra/db/flowControl.ts). Pure data and rules.
/**
 * A subscription's delivery limits when it names none (migration 006 holds the same numbers as column
 * defaults). Generous: a receiver that needs less says so. At its limit a subscription gets 0.8 × maxPerSecond
 * (the spacing leaves room for a request's own delay, RATE_WINDOW_MS below).
 */
export const DEFAULT_LIMITS = { maxPerSecond: 100, maxInFlight: 20, pauseAfterFailures: 10 } as const;

export interface FlowLimits { maxPerSecond: number; maxInFlight: number }

/**
 * The rate limit is a burst-1 bucket: consecutive grants of a subscription are at least
 * RATE_WINDOW_MS / maxPerSecond apart, so any N+1 grants span at least RATE_WINDOW_MS. The 250 ms above
 * one second absorb the delay between a grant and the request reaching the receiver (an event-loop stall
 * of a busy worker, a new connection: measured up to ~440 ms on a loaded 2-core machine, test/ordering/
 * limits.test.ts), so a receiver counting N per second (sliding, fixed or leaky bucket without burst)
 * does not see N+1. The price: at its limit a subscription gets N / 1.25 requests per second.
 */
export const RATE_WINDOW_MS = 1_250;
/** How long a granted slot counts against maxInFlight unless released first (a crashed worker's slots come back). */
export const LEASE_MS = 3 * 60_000;
/** The wait answered when maxInFlight slots are all taken: a short poll. */
export const IN_FLIGHT_POLL_MS = 100;

/** Limits the store can apply: a positive rate and at least one slot in flight. */
export const validLimits = (limits: FlowLimits): boolean => limits.maxPerSecond > 0 && limits.maxInFlight >= 1;

/** The breaker's threshold as the store counts it: a whole number, at least 1. */
export const pauseThreshold = (pauseAfterFailures: number): number => Math.max(1, Math.floor(pauseAfterFailures));
