// What a queued delivery waits for (src/domain/flow/waitingFor.ts): the typed union and its stored form, which
// recorded workflow histories and deliveries.waiting_for hold, must round-trip byte for byte. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  formatWaitingFor, parseWaitingFor, parseWaitingForOrNull, waitingForDelivery, waitingForPause, waitingForRate, type WaitingFor,
} from '../../../src/domain/flow/waitingFor';

test('the stored forms are the strings recorded histories and rows hold', () => {
  assert.equal(formatWaitingFor(waitingForPause), 'subscription paused');
  assert.equal(formatWaitingFor(waitingForRate), 'rate limit');
  assert.equal(formatWaitingFor(waitingForDelivery('dlv_01J0ABC')), 'dlv_01J0ABC');
  assert.deepEqual(parseWaitingFor('subscription paused'), { kind: 'pause' });
  assert.deepEqual(parseWaitingFor('rate limit'), { kind: 'rate' });
  assert.deepEqual(parseWaitingFor('dlv_01J0ABC'), { kind: 'delivery', deliveryId: 'dlv_01J0ABC' });
  assert.equal(parseWaitingForOrNull(null), null);
  assert.equal(parseWaitingForOrNull(undefined), null);
  assert.deepEqual(parseWaitingForOrNull('rate limit'), { kind: 'rate' });
});

test('format(parse(s)) is s for every stored string', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.constantFrom('subscription paused', 'rate limit', 'dlv_x')), (stored) =>
    formatWaitingFor(parseWaitingFor(stored)) === stored));
});

test('parse(format(w)) is w for every union value', () => {
  const deliveryIds = fc.stringMatching(/^[0-9A-Za-z]{1,30}$/).map((s) => `dlv_${s}`);
  const union: fc.Arbitrary<WaitingFor> = fc.oneof(
    fc.constant(waitingForPause), fc.constant(waitingForRate), deliveryIds.map(waitingForDelivery),
  );
  fc.assert(fc.property(union, (w) => assert.deepEqual(parseWaitingFor(formatWaitingFor(w)), w)));
});
