import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lucca, luccaEventOf } from '../../../src/domain/formats/lucca';
import type { SubscriptionView } from '../../../src/domain/formats/format';
import { parseEvent, type HrEvent } from '../../../src/domain/events/schema';
import { EVENT_TYPES, type EventType } from '../../../src/domain/events/eventTypes';

const vector = JSON.parse(readFileSync(join(__dirname, '../../vectors/lucca.json'), 'utf8'));

function event(type: EventType = vector.event.type, isConfirmed = true): HrEvent {
  const parsed = parseEvent({ ...vector.event, type, data: { ...vector.event.data, isConfirmed } });
  assert.ok(parsed.ok);
  return parsed.event;
}

function sub(overrides: Partial<SubscriptionView> = {}): SubscriptionView {
  return {
    id: 'sub_1', format: 'lucca', events: '*', mode: vector.subscription.mode, authorization: vector.subscription.authorization,
    secrets: [], headers: {}, properties: {}, ...overrides,
  };
}

test('the SPEC example absence renders the vector exactly', () => {
  const req = lucca.render({ event: event(), deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub() });
  assert.deepEqual(req.headers, vector.expected.headers);
  assert.deepEqual(Object.keys(req.headers), Object.keys(vector.expected.headers));
  assert.equal(req.body.toString('utf8'), vector.expected.body);
  const leaves = JSON.parse(req.body.toString('utf8'));
  assert.equal(leaves.length, 4);
  const { creationDate, ...last } = leaves[3];
  assert.deepEqual(last, vector.seedExampleLeave);
  assert.equal(creationDate, '2018-04-01T09:00:00');
});

test('Authorization is omitted when the subscription has none; attempts do not change the body', () => {
  const req = lucca.render({ event: event(), deliveryId: 'd', attempt: 3, now: new Date(), subscription: sub({ authorization: null }) });
  assert.equal('authorization' in req.headers, false);
  assert.equal(req.body.toString('utf8'), vector.expected.body);
});

test('event type → X-Event mapping; leave.updated and non-leave events are never sent', () => {
  const expected: Partial<Record<EventType, string>> = {
    'leave.created': 'created', 'leave.approved': 'approved', 'leave.deleted': 'deleted',
    'leave.cancelled': 'deleted', 'leave.declined': 'deleted',
  };
  for (const type of EVENT_TYPES) {
    assert.equal(luccaEventOf(type), expected[type] ?? null, type);
    const sends = lucca.sends(event(type), sub({ mode: 'all' }));
    assert.equal(sends, type in expected, type);
    if (sends) {
      const req = lucca.render({ event: event(type), deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub({ mode: 'all' }) });
      assert.equal(req.headers['x-event'], expected[type]);
    }
  }
  assert.throws(() => lucca.render({ event: event('leave.updated'), deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub() }), /does not send/);
});

test('mode filtering table', () => {
  const table: [EventType, boolean, 'all' | 'approved', boolean][] = [
    ['leave.created', false, 'all', true],
    ['leave.created', false, 'approved', false],
    ['leave.approved', true, 'all', true],
    ['leave.approved', true, 'approved', true],
    ['leave.deleted', true, 'all', true],
    ['leave.deleted', true, 'approved', true],
    ['leave.deleted', false, 'all', true],
    ['leave.deleted', false, 'approved', false],
    ['leave.cancelled', true, 'approved', true],
    ['leave.cancelled', false, 'approved', false],
    ['leave.declined', false, 'all', true],
    ['leave.declined', false, 'approved', false],
    ['leave.updated', true, 'all', false],
    ['leave.updated', true, 'approved', false],
  ];
  for (const [type, confirmed, mode, expected] of table) {
    assert.equal(lucca.sends(event(type, confirmed), { mode, events: '*' }), expected, `${type} confirmed=${confirmed} mode=${mode}`);
  }
  assert.equal(lucca.sends(event('leave.created', false), { mode: null, events: '*' }), true);
});

test('hours accounts add durationInHours after leaveAccount', () => {
  const data = {
    ...vector.event.data,
    leaveAccount: { ...vector.event.data.leaveAccount, unit: 'hours' },
    start: { date: '2018-04-23', half: 'AM' },
    end: { date: '2018-04-23', half: 'PM' },
    durationInHours: 8,
  };
  const parsed = parseEvent({ ...vector.event, data });
  assert.ok(parsed.ok);
  const req = lucca.render({ event: parsed.event, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub() });
  const leaves = JSON.parse(req.body.toString());
  assert.deepEqual(leaves.map((l: { durationInHours: number }) => l.durationInHours), [4, 4]);
  assert.deepEqual(Object.keys(leaves[0]).slice(4, 6), ['leaveAccount', 'durationInHours']);
});

test('an authorization value with a line break is refused', () => {
  assert.throws(
    () => lucca.render({ event: event(), deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub({ authorization: 'a\r\nX-Evil: 1' }) }),
    /line break/,
  );
});
