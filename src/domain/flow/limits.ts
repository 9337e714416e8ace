// A subscription's delivery limits when it names none. Pure data.
/**
 * A subscription's delivery limits when it names none (migration 006 holds the same numbers as column
 * defaults). Generous: a receiver that needs less says so. At its limit a subscription gets 0.8 × maxPerSecond
 * (the spacing leaves room for a request's own delay, src/infra/db/flowControl.ts RATE_WINDOW_MS).
 */
export const DEFAULT_LIMITS = { maxPerSecond: 100, maxInFlight: 20, pauseAfterFailures: 10 } as const;
