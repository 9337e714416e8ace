// Retention's pure rules: periods in whole days, a tenant's own periods over the defaults, and when a day
// partition may go (only once its whole day is past the longest events period).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysAhead, effectiveRetention, longestEventsDays, partitionExpired, retentionDays, retentionSchema } from '../../../src/domain/retention/policy';

const DAY = 86_400_000;

test('periods are whole days from 1d to 3650d', () => {
  assert.equal(retentionDays('90d'), 90);
  assert.equal(retentionDays('1d'), 1);
  assert.equal(retentionDays('3650d'), 3650);
  for (const bad of ['0d', '90', '1y', '12h', '3651d', '-1d', ' 90d', '090d']) assert.equal(retentionDays(bad), null, bad);
});

test("a tenant's periods override the defaults one by one; bodies never outlive events", () => {
  const defaults = { events: '90d', bodies: '30d' };
  assert.deepEqual(effectiveRetention(undefined, defaults), { eventsDays: 90, bodiesDays: 30 });
  assert.deepEqual(effectiveRetention({ events: '10d' }, defaults), { eventsDays: 10, bodiesDays: 10 });
  assert.deepEqual(effectiveRetention({ bodies: '7d' }, defaults), { eventsDays: 90, bodiesDays: 7 });
  assert.equal(retentionSchema.safeParse({ events: '10d', bodies: '20d' }).success, false);
  assert.equal(longestEventsDays([10, 200], 90), 200);
  assert.equal(longestEventsDays([], 90), 90);
});

test('a day partition expires once its whole day is past the longest period; partitions are made for today and the days ahead', () => {
  const now = new Date('2026-12-05T09:00:00Z');
  // now - 90 d = Sep 6, 09:00: Sep 5 has ended before it, Sep 6 has not
  assert.equal(partitionExpired(new Date('2026-09-05T00:00:00Z'), 90, now), true);
  assert.equal(partitionExpired(new Date('2026-09-06T00:00:00Z'), 90, now), false);
  assert.equal(partitionExpired(new Date(now.getTime() - 91 * DAY), 365, now), false, 'a tenant keeping a year holds the partition');
  assert.deepEqual(daysAhead(now, 2).map((d) => d.toISOString()), ['2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
});
