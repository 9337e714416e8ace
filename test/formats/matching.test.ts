import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscriptionMatches } from '../../src/formats/matching';
import { getFormat, formats, isFormatName } from '../../src/formats/registry';
import { testEventFor } from '../../src/formats/testMessage';
import { deliveryIdFor, aspnetWorkItemId, standardMessageId } from '../../src/formats/identity';
import { parseEvent, type HrEvent } from '../../src/events/schema';
import { EVENT_TYPES, type EventType } from '../../src/events/eventTypes';
import type { FormatName } from '../../src/formats/format';
import { DEFAULT_LADDERS } from '../../src/ladder';

function ev(type: EventType, data: unknown = { id: 1 }): HrEvent {
  return { id: 'e1', type, occurredAt: '2024-01-01T00:00:00Z', data };
}

const absence = {
  id: 1, owner: { id: 1, name: 'A', email: 'a@example.com', employeeNumber: '1' },
  leaveAccount: { id: 1, name: 'Annual', categoryId: 1, categoryName: 'Annual', unit: 'days' },
  start: { date: '2024-01-02', half: 'AM' }, end: { date: '2024-01-02', half: 'PM' },
  isConfirmed: true, confirmationDate: null, isCancelled: false, cancellationDate: null,
};

test('"*" takes every type except clock in/out, which must be listed', () => {
  for (const type of EVENT_TYPES) {
    const expected = type !== 'timesheet.clock_in' && type !== 'timesheet.clock_out';
    assert.equal(subscriptionMatches({ format: 'standard', events: '*' }, ev(type)), expected, type);
  }
  assert.ok(subscriptionMatches({ format: 'aspnet', events: ['timesheet.clock_in'] }, ev('timesheet.clock_in')));
  assert.ok(!subscriptionMatches({ format: 'aspnet', events: ['timesheet.clock_in'] }, ev('timesheet.clock_out')));
});

test('a listed event matches only when listed', () => {
  assert.ok(subscriptionMatches({ format: 'aspnet', events: ['payrun.finalised'] }, ev('payrun.finalised')));
  assert.ok(!subscriptionMatches({ format: 'aspnet', events: ['payrun.finalised'] }, ev('payrun.deleted')));
  assert.ok(!subscriptionMatches({ format: 'aspnet', events: [] }, ev('payrun.deleted')));
});

test("the format's own rules apply on top of the list", () => {
  assert.ok(!subscriptionMatches({ format: 'lucca', events: '*', mode: 'all' }, ev('employee.created')));
  assert.ok(!subscriptionMatches({ format: 'lucca', events: '*', mode: 'all' }, ev('leave.updated', absence)));
  assert.ok(subscriptionMatches({ format: 'lucca', events: '*', mode: 'all' }, ev('leave.created', { ...absence, isConfirmed: false })));
  assert.ok(!subscriptionMatches({ format: 'lucca', events: '*', mode: 'approved' }, ev('leave.created', { ...absence, isConfirmed: false })));
  assert.ok(!subscriptionMatches({ format: 'lucca', events: ['leave.approved'], mode: 'all' }, ev('leave.created', absence)));
});

test('registry: three formats with their default ladders', () => {
  for (const name of ['lucca', 'aspnet', 'standard'] as FormatName[]) {
    assert.equal(getFormat(name).name, name);
    assert.deepEqual(formats[name].defaultLadder, DEFAULT_LADDERS[name]);
  }
  assert.throws(() => getFormat('soap'), /unknown format/);
  assert.equal(isFormatName('__proto__'), false);
  assert.equal(isFormatName('toString'), false);
});

test('delivery ids are deterministic safe tokens whatever the event id holds', () => {
  const hostile = ['a b/c', '../../etc', '\u0000\n', 'ü'.repeat(200), 'x'];
  for (const eventId of hostile) {
    const id = deliveryIdFor('sub_123', eventId);
    assert.match(id, /^dlv_sub_123_[A-Za-z0-9_-]{22}$/);
    assert.equal(deliveryIdFor('sub_123', eventId), id);
  }
  assert.notEqual(deliveryIdFor('sub_123', 'a'), deliveryIdFor('sub_123', 'b'));
  assert.notEqual(deliveryIdFor('sub_123', 'a'), deliveryIdFor('sub_124', 'a'));
  assert.throws(() => deliveryIdFor('sub 1', 'a'), /safe token/);
  assert.match(aspnetWorkItemId('dlv_x'), /^[0-9a-f]{32}$/);
  assert.equal(aspnetWorkItemId('dlv_x'), aspnetWorkItemId('dlv_x'));
  assert.match(standardMessageId('dlv_x'), /^msg_[A-Za-z0-9_-]{24}$/);
  assert.equal(standardMessageId('dlv_x'), standardMessageId('dlv_x'));
});

test('test messages are valid events of a type the subscription receives', () => {
  const now = new Date('2024-06-03T12:00:00Z');
  const cases: [Parameters<typeof testEventFor>[0], EventType][] = [
    [{ format: 'aspnet', events: '*' }, 'bank_account.deleted'],
    [{ format: 'aspnet', events: ['payrun.finalised', 'bank_account.deleted'] }, 'bank_account.deleted'],
    [{ format: 'aspnet', events: ['leave.created'] }, 'leave.created'],
    [{ format: 'lucca', events: '*', mode: 'approved' }, 'leave.approved'],
    [{ format: 'lucca', events: '*', mode: 'all' }, 'leave.created'],
    [{ format: 'lucca', events: ['leave.deleted'], mode: 'approved' }, 'leave.deleted'],
    [{ format: 'standard', events: '*' }, 'employee.updated'],
    [{ format: 'standard', events: ['payrun.finalised'] }, 'payrun.finalised'],
  ];
  for (const [sub, type] of cases) {
    const event = testEventFor(sub, now);
    assert.equal(event.type, type, JSON.stringify(sub));
    assert.match(event.id, /^test_[0-9a-f]+$/);
    assert.ok(parseEvent(event).ok, JSON.stringify(sub));
    assert.ok(subscriptionMatches(sub, event), JSON.stringify(sub));
  }
  assert.deepEqual(testEventFor({ format: 'aspnet', events: '*' }).data, { Type: 'Test Message from Application' });
  assert.deepEqual(testEventFor({ format: 'standard', events: '*' }).data, { test: true, message: 'Test Message from Application' });
  assert.notEqual(testEventFor({ format: 'standard', events: '*' }).id, testEventFor({ format: 'standard', events: '*' }).id);
});
