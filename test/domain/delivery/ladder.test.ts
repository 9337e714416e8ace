import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getFormat } from '../../../src/domain/formats/registry';
import { DurationError, formatDuration, parseDuration, resolveLadder, retryScheduleSchema } from '../../../src/domain/delivery/ladder';

test('parses durations', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('5s'), 5_000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('24h'), 86_400_000);
  assert.equal(parseDuration('2d'), 172_800_000);
});

test('rejects bad durations with a typed error', () => {
  for (const bad of ['', '5', 'm', '1.5h', '-1m', '5 m', '5M', '1w', '5mm', '9'.repeat(13) + 's']) {
    assert.throws(() => parseDuration(bad), DurationError, bad);
  }
  assert.throws(() => parseDuration(42 as unknown as string), DurationError);
});

test('formats durations in the largest exact unit and round-trips', () => {
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(5_400_000), '90m');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(172_800_000), '2d');
  fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => parseDuration(formatDuration(ms)) === ms));
});

test('default ladders per format (delays after each failed attempt)', () => {
  const ladderOf = (name: string) => getFormat(name).defaultLadder;
  assert.deepEqual(resolveLadder(ladderOf('lucca')), [300_000, 900_000, 3_600_000, 86_400_000]);
  assert.deepEqual(resolveLadder(ladderOf('aspnet')).map(formatDuration), ['1m', '2m', '4m', '8m', '15m', '30m', '1h']);
  assert.deepEqual(resolveLadder(ladderOf('standard')).map(formatDuration), ['5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '1d']);
  assert.equal(ladderOf('aspnet').length, 7);
});

test('an override replaces the default and is validated', () => {
  const lucca = getFormat('lucca').defaultLadder;
  const aspnet = getFormat('aspnet').defaultLadder;
  assert.deepEqual(resolveLadder(lucca, ['1m', '10m', '2h']), [60_000, 600_000, 7_200_000]);
  assert.deepEqual(resolveLadder(lucca, null), resolveLadder(lucca));
  assert.throws(() => resolveLadder(aspnet, []), DurationError);
  assert.throws(() => resolveLadder(aspnet, ['8d']), /at most 7d/);
  assert.throws(() => resolveLadder(aspnet, ['soon']), DurationError);
});

test('retryScheduleSchema: 1..20 durations, each positive and at most 7d', () => {
  assert.ok(retryScheduleSchema.safeParse(['1m', '7d']).success);
  assert.ok(!retryScheduleSchema.safeParse([]).success);
  assert.ok(!retryScheduleSchema.safeParse(Array(21).fill('1m')).success);
  assert.ok(!retryScheduleSchema.safeParse(['0s']).success);
  const bad = retryScheduleSchema.safeParse(['1m', '169h']);
  assert.ok(!bad.success);
  assert.deepEqual(bad.error.issues[0]!.path, [1]);
  assert.match(bad.error.issues[0]!.message, /at most 7d/);
});
