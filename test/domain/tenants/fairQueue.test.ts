// The starter's queue serves tenants in turn (issue 22 item 6): a flood of one tenant does not stand in front of
// another's events, each tenant's own stay in arrival order, and a full queue makes room for a small tenant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventKey, eventRefOf } from '../../../src/domain/tenants/eventKey';
import { FairQueue } from '../../../src/domain/tenants/fairQueue';

const keys = (tenant: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => eventKey(tenant, `evt-${from + i}`));
const show = (taken: string[]) => taken.map((k) => `${eventRefOf(k).tenantId}:${eventRefOf(k).eventId}`);

test("a tenant's flood does not stand in front of another tenant's events", () => {
  const q = new FairQueue(10_000);
  for (const k of keys('noisy', 1000)) q.add(k);
  for (const k of keys('quiet', 2)) q.add(k);
  assert.equal(q.size, 1002);
  assert.deepEqual(show(q.take(4)), ['noisy:evt-0', 'quiet:evt-0', 'noisy:evt-1', 'quiet:evt-1']);
  assert.deepEqual(show(q.take(2)), ['noisy:evt-2', 'noisy:evt-3']);
  assert.equal(q.size, 996);
});

test('the turn goes on where a take stopped; one tenant alone, or fairness off, is plain FIFO', () => {
  const q = new FairQueue(100);
  for (const k of [...keys('a', 3), ...keys('b', 3), ...keys('c', 3)]) q.add(k);
  assert.deepEqual(show(q.take(2)), ['a:evt-0', 'b:evt-0']);
  assert.deepEqual(show(q.take(4)), ['c:evt-0', 'a:evt-1', 'b:evt-1', 'c:evt-1']);
  const fifo = new FairQueue(100, false);
  for (const k of [...keys('a', 2), ...keys('b', 2)]) fifo.add(k);
  assert.deepEqual(show(fifo.take(4)), ['a:evt-0', 'a:evt-1', 'b:evt-0', 'b:evt-1'], 'fairness off: arrival order');
  const solo = new FairQueue(100);
  for (const k of keys('solo', 5)) solo.add(k);
  assert.deepEqual(show(solo.take(10)), ['solo:evt-0', 'solo:evt-1', 'solo:evt-2', 'solo:evt-3', 'solo:evt-4']);
  assert.equal(solo.size, 0);
});

test('full: the largest tenant gives up its newest key to a smaller one, never its own to itself', () => {
  const q = new FairQueue(5);
  for (const k of keys('noisy', 5)) assert.equal(q.add(k), true);
  assert.equal(q.add(eventKey('noisy', 'evt-5')), false);
  assert.equal(q.add(eventKey('quiet', 'evt-0')), true);
  assert.equal(q.size, 5);
  assert.equal(q.has(eventKey('noisy', 'evt-4')), false, "noisy's newest made room");
  assert.equal(q.has(eventKey('quiet', 'evt-0')), true);
  assert.deepEqual(show(q.take(5)), ['noisy:evt-0', 'quiet:evt-0', 'noisy:evt-1', 'noisy:evt-2', 'noisy:evt-3']);
});

test('a key already queued is not queued twice', () => {
  const q = new FairQueue(10);
  assert.equal(q.add(eventKey('a', 'x')), true);
  assert.equal(q.add(eventKey('a', 'x')), true);
  assert.equal(q.size, 1);
  q.clear();
  assert.equal(q.size, 0);
  assert.equal(q.has(eventKey('a', 'x')), false);
});
