// The delivery rules (src/domain/delivery/transition.ts): the one decider the send activity and the event
// workflow share. Pure: table-driven, no I/O.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextDelay, statusAfter, transition, type Verdict } from '../../../src/domain/delivery/transition';

const verdict = (outcome: Verdict['outcome'], retryAfterMs: number | null = null): Verdict => ({ outcome, retryAfterMs });

describe('transition', () => {
  const cases: Array<[string, number | null, Verdict, ReturnType<typeof transition>]> = [
    ['success closes it, whatever the ladder', 60_000, verdict('success'), { outcome: 'success', status: 'delivered', nextDelayMs: null }],
    ['410 Gone fails it at once', 60_000, verdict('gone'), { outcome: 'gone', status: 'failed', nextDelayMs: null }],
    ['a retry walks the ladder', 60_000, verdict('retry'), { outcome: 'retry', status: 'retrying', nextDelayMs: 60_000 }],
    ['a longer Retry-After stretches the step', 60_000, verdict('retry', 90_000), { outcome: 'retry', status: 'retrying', nextDelayMs: 90_000 }],
    ['a shorter Retry-After does not shorten it', 60_000, verdict('retry', 1_000), { outcome: 'retry', status: 'retrying', nextDelayMs: 60_000 }],
    ['a retry past the ladder fails', null, verdict('retry', 90_000), { outcome: 'failed', status: 'failed', nextDelayMs: null }],
    ['an operator abort keeps its place on the ladder', 60_000, verdict('aborted'), { outcome: 'aborted', status: 'retrying', nextDelayMs: 60_000 }],
    ['an operator abort past the ladder fails', null, verdict('aborted'), { outcome: 'aborted', status: 'failed', nextDelayMs: null }],
  ];
  for (const [name, ladderDelayMs, v, expected] of cases) {
    it(name, () => assert.deepEqual(transition({ ladderDelayMs }, v), expected));
  }
});

describe('statusAfter', () => {
  it('maps what the activity reports to the status the workflow shows, as transition does', () => {
    assert.equal(statusAfter('success', null), 'delivered');
    assert.equal(statusAfter('cancelled', null), 'cancelled');
    assert.equal(statusAfter('superseded', null), 'superseded');
    assert.equal(statusAfter('held', 5_000), 'queued');
    assert.equal(statusAfter('retry', 5_000), 'retrying');
    assert.equal(statusAfter('aborted', 5_000), 'retrying');
    assert.equal(statusAfter('aborted', null), 'failed');
    assert.equal(statusAfter('gone', null), 'failed');
    assert.equal(statusAfter('failed', null), 'failed');
  });
});

describe('nextDelay', () => {
  it('is the ladder step stretched by Retry-After, none past the ladder', () => {
    assert.equal(nextDelay(1_000, null), 1_000);
    assert.equal(nextDelay(1_000, 0), 1_000);
    assert.equal(nextDelay(1_000, 3_000), 3_000);
    assert.equal(nextDelay(null, 3_000), null);
  });
});
