import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscriptionMatches } from '../../src/domain/formats/matching';
import { formatNames, formatNameSchema, getFormat, isFormatName, type FormatName } from '../../src/domain/formats/registry';
import { testEventFor } from '../../src/domain/formats/testMessage';
import { createHash } from 'node:crypto';
import { deliveryIdFor, aspnetWorkItemId, eventWorkflowIdFor, parseDeliveryId, standardMessageId } from '../../src/domain/formats/identity';
import { parseEvent, reservedTypeErrors, type HrEvent } from '../../src/domain/events/schema';
import { EVENT_TYPES, type EventType } from '../../src/domain/events/eventTypes';
import { resolveLadder } from '../../src/domain/delivery/ladder';

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
  assert.deepEqual(formatNames(), ['lucca', 'aspnet', 'standard'] satisfies FormatName[]);
  assert.deepEqual(formatNameSchema().options, formatNames());
  for (const name of formatNames()) {
    assert.equal(getFormat(name).name, name);
    assert.ok(resolveLadder(getFormat(name).defaultLadder).length > 0);
  }
  assert.throws(() => getFormat('soap'), /unknown format/);
  assert.equal(isFormatName('__proto__'), false);
  assert.equal(isFormatName('toString'), false);
});

test('delivery ids are deterministic safe tokens whatever the event id holds', () => {
  const hostile = ['a b/c', '../../etc', '\u0000\n', 'ü'.repeat(200), 'x'];
  for (const eventId of hostile) {
    const id = deliveryIdFor('sub_123', eventId, 'default');
    assert.match(id, /^dlv_sub_123_[A-Za-z0-9_-]{22}$/);
    assert.equal(deliveryIdFor('sub_123', eventId, 'default'), id);
  }
  assert.notEqual(deliveryIdFor('sub_123', 'a', 'default'), deliveryIdFor('sub_123', 'b', 'default'));
  assert.notEqual(deliveryIdFor('sub_123', 'a', 'default'), deliveryIdFor('sub_124', 'a', 'default'));
  assert.throws(() => deliveryIdFor('sub 1', 'a', 'default'), /safe token/);
  assert.match(aspnetWorkItemId('dlv_x'), /^[0-9a-f]{32}$/);
});

test('the default tenant keeps the ids of before tenants; two tenants sending the same event id get two workflows', () => {
  // the workflow id of `evt-1` as every recorded history and receiver knows it (sha256, base64url, 22 characters)
  const before = `evt_${createHash('sha256').update('evt-1').digest('base64url').slice(0, 22)}`;
  assert.equal(eventWorkflowIdFor('evt-1', 'default'), before);
  assert.notEqual(eventWorkflowIdFor('evt-1', 'acme-nz'), eventWorkflowIdFor('evt-1', 'globex'));
  assert.notEqual(eventWorkflowIdFor('evt-1', 'acme-nz'), before);
  assert.notEqual(deliveryIdFor('sub_1', 'evt-1', 'acme-nz'), deliveryIdFor('sub_1', 'evt-1', 'default'));
  assert.equal(parseDeliveryId(deliveryIdFor('sub_1', 'evt-1', 'acme-nz'))?.workflowId, eventWorkflowIdFor('evt-1', 'acme-nz'));
  assert.equal(aspnetWorkItemId('dlv_x'), aspnetWorkItemId('dlv_x'));
  assert.match(standardMessageId('dlv_x'), /^msg_[A-Za-z0-9_-]{24}$/);
  assert.equal(standardMessageId('dlv_x'), standardMessageId('dlv_x'));
});

test('a test message is hrhooks.test, a valid event every subscription receives whatever its filter and mode', () => {
  const now = new Date('2024-06-03T12:00:00Z');
  const subs: Parameters<typeof subscriptionMatches>[0][] = [
    { format: 'aspnet', events: '*' },
    { format: 'aspnet', events: ['timesheet.clock_in'] },
    { format: 'lucca', events: ['leave.approved'], mode: 'approved' },
    { format: 'lucca', events: '*', mode: 'all' },
    { format: 'standard', events: ['payrun.finalised'] },
  ];
  const event = testEventFor({ id: 'sub_1' }, now);
  assert.equal(event.type, 'hrhooks.test');
  assert.match(event.id, /^test_[0-9a-f]+$/);
  assert.equal(event.occurredAt, '2024-06-03T12:00:00.000Z');
  assert.deepEqual(event.data, { message: 'Test Message from Application', subscriptionId: 'sub_1' });
  assert.deepEqual(parseEvent(event), { ok: true, event });
  for (const sub of subs) assert.ok(subscriptionMatches(sub, event), JSON.stringify(sub));
  assert.notEqual(testEventFor({ id: 'sub_1' }).id, testEventFor({ id: 'sub_1' }).id);
});

test('hrhooks.test is not a producer type: not in EVENT_TYPES, reserved, and its data is checked', () => {
  assert.ok(!(EVENT_TYPES as readonly string[]).includes('hrhooks.test'));
  assert.deepEqual(reservedTypeErrors({ type: 'hrhooks.test' }).map((e) => e.field), ['type']);
  assert.deepEqual(reservedTypeErrors({ type: 'leave.approved' }), []);
  assert.deepEqual(reservedTypeErrors(null), []);
  const bad = parseEvent({ id: 'x', type: 'hrhooks.test', occurredAt: '2024-01-01T00:00:00Z', data: { message: 'hi' } });
  assert.ok(!bad.ok && bad.errors.some((e) => e.field === 'data.subscriptionId'));
});
