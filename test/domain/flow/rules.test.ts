// The flow-control rules (src/domain/flow): which attempts the breaker counts and what a batch tells it,
// how the send path reads the store's answer, and the breaker's probe schedule. Pure: table-driven, no I/O.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admission, inlineSleepMs, INLINE_WAIT_MS } from '../../../src/domain/flow/admission';
import {
  breakerReport, countsForBreaker, DEFAULT_DISABLE_AFTER_MS, DEFAULT_PROBE_SCHEDULE_MS, NOT_THE_RECEIVER, pausedTooLong, probeWaitMs,
  retryAfterHoldMs, type EndedAttempt,
} from '../../../src/domain/flow/breaker';
import { pauseThreshold, validLimits } from '../../../src/domain/flow/limits';

const ended = (over: Partial<EndedAttempt>): EndedAttempt => ({
  subscriptionId: 'sub_a', outcome: 'retry', errorKind: null, statusCode: 500, retryAfterMs: null, pauseAfterFailures: 3,
  seen: { consecutiveFailures: 0, paused: false }, ...over,
});

describe('the breaker counts what the receiver did', () => {
  it('a receiver failure is tallied, a request that never left or an abort is not', () => {
    assert.equal(countsForBreaker(ended({})), true);
    for (const errorKind of NOT_THE_RECEIVER) assert.equal(countsForBreaker(ended({ errorKind, statusCode: null })), false, errorKind);
    assert.equal(countsForBreaker(ended({ errorKind: 'timeout', statusCode: null })), true);
    assert.equal(countsForBreaker(ended({ outcome: 'aborted' })), false);
  });

  it('only a 429 or 503 with a Retry-After holds the subscription back', () => {
    assert.equal(retryAfterHoldMs(429, 5_000), 5_000);
    assert.equal(retryAfterHoldMs(503, 1_000), 1_000);
    assert.equal(retryAfterHoldMs(500, 5_000), null);
    assert.equal(retryAfterHoldMs(429, null), null);
    assert.equal(retryAfterHoldMs(429, 0), null);
    assert.equal(retryAfterHoldMs(null, 5_000), null);
  });

  it('a batch: failures and holds are tallied in order, a success that saw nothing is quiet, one that saw a count or pause is tallied', () => {
    const report = breakerReport([
      ended({ subscriptionId: 'a' }),
      ended({ subscriptionId: 'b', outcome: 'success', statusCode: 200 }),
      ended({ subscriptionId: 'c', outcome: 'success', statusCode: 200, seen: { consecutiveFailures: 2, paused: false } }),
      ended({ subscriptionId: 'd', outcome: 'success', statusCode: 200, seen: { consecutiveFailures: 0, paused: true } }),
      ended({ subscriptionId: 'e', statusCode: 429, retryAfterMs: 2_000, pauseAfterFailures: 7 }),
      ended({ subscriptionId: 'f', errorKind: 'ssrf', statusCode: null }),
      ended({ subscriptionId: 'g', outcome: 'aborted' }),
    ]);
    assert.deepEqual(report.quietSuccesses, ['b']);
    assert.deepEqual(report.tallies, [
      { subscriptionId: 'a', success: false, holdMs: null, pauseAfterFailures: 3 },
      { subscriptionId: 'c', success: true, holdMs: null, pauseAfterFailures: 3 },
      { subscriptionId: 'd', success: true, holdMs: null, pauseAfterFailures: 3 },
      { subscriptionId: 'e', success: false, holdMs: 2_000, pauseAfterFailures: 7 },
    ]);
  });

  it('a success with a Retry-After hold goes through the tally', () => {
    assert.deepEqual(breakerReport([ended({ outcome: 'success', statusCode: 503, retryAfterMs: 1_000 })]).tallies.length, 1);
  });
});

describe('the store\'s answer, as the send path reads it', () => {
  const now = 1_000_000;
  const deadline = now + INLINE_WAIT_MS;
  it('granted goes, paused is held for the pause with no timer', () => {
    assert.deepEqual(admission({ kind: 'granted' }, now, deadline), { kind: 'go' });
    assert.deepEqual(admission({ kind: 'paused' }, now, deadline), { kind: 'held', waitingFor: { kind: 'pause' }, retryInMs: null });
  });
  it('a wait within the inline window asks again; past it the delivery is held for the rate, at least 100 ms', () => {
    assert.deepEqual(admission({ kind: 'wait', waitMs: 250 }, now, deadline), { kind: 'again', waitMs: 250 });
    assert.deepEqual(admission({ kind: 'wait', waitMs: INLINE_WAIT_MS }, now, deadline), { kind: 'again', waitMs: INLINE_WAIT_MS });
    assert.deepEqual(admission({ kind: 'wait', waitMs: 5_000 }, now, deadline), { kind: 'held', waitingFor: { kind: 'rate' }, retryInMs: 5_000 });
    assert.deepEqual(admission({ kind: 'wait', waitMs: 50 }, deadline, deadline), { kind: 'held', waitingFor: { kind: 'rate' }, retryInMs: 100 });
  });
  it('sleeps the shortest wait, never under 10 ms', () => {
    assert.equal(inlineSleepMs([300, 120, 900]), 120);
    assert.equal(inlineSleepMs([1, 4]), 10);
  });
});

describe('limits and the probe schedule', () => {
  it('limits the store can apply, and the threshold as it counts it', () => {
    assert.equal(validLimits({ maxPerSecond: 0.5, maxInFlight: 1 }), true);
    assert.equal(validLimits({ maxPerSecond: 0, maxInFlight: 1 }), false);
    assert.equal(validLimits({ maxPerSecond: 1, maxInFlight: 0 }), false);
    assert.equal(validLimits({ maxPerSecond: Number.NaN, maxInFlight: 1 }), false);
    assert.deepEqual([0, 1, 2.7, 10].map(pauseThreshold), [1, 1, 2, 10]);
  });
  it('walks the schedule (the last step repeats) and never waits past the disable limit', () => {
    const min = 60_000;
    assert.deepEqual([0, 1, 4, 9].map((p) => probeWaitMs(DEFAULT_PROBE_SCHEDULE_MS, p, 0, DEFAULT_DISABLE_AFTER_MS)), [5 * min, 10 * min, 60 * min, 60 * min]);
    assert.equal(probeWaitMs([10 * min], 3, 95 * min, 100 * min), 5 * min);
    assert.equal(probeWaitMs([10 * min], 3, 120 * min, 100 * min), 0);
    assert.equal(pausedTooLong(100 * min, 100 * min), true);
    assert.equal(pausedTooLong(100 * min - 1, 100 * min), false);
  });
});
