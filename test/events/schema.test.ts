import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent, MAX_ABSENCE_DAYS } from '../../src/domain/events/schema';
import { EVENT_TYPES, eventTypeSchema } from '../../src/domain/events/eventTypes';
import { specAbsence } from '../../dev-support/absence';

const absence = specAbsence;

function leaveEvent(data: unknown, type = 'leave.approved') {
  return { id: 'evt-2018-0001', type, occurredAt: '2018-04-04T22:34:47.797Z', data };
}

function fields(json: unknown): string[] {
  const result = parseEvent(json);
  assert.equal(result.ok, false, 'expected the event to be rejected');
  return result.ok ? [] : result.errors.map((e) => e.field);
}

function messages(json: unknown): string {
  const result = parseEvent(json);
  return result.ok ? '' : result.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
}

test('the SPEC §2 example is accepted and data is passed through as given', () => {
  const input = leaveEvent(absence({ extraProducerField: 'kept' }));
  const result = parseEvent(input);
  assert.ok(result.ok);
  assert.equal(result.event.data, input.data);
});

test('there are 18 event types', () => {
  assert.equal(EVENT_TYPES.length, 18);
  assert.equal(eventTypeSchema.safeParse('leave.exploded').success, false);
});

test('envelope errors name each bad field', () => {
  assert.deepEqual(fields({ id: '', type: 'nope', occurredAt: 'yesterday' }).sort(), ['data', 'id', 'occurredAt', 'type']);
  assert.deepEqual(fields({ ...leaveEvent(absence()), id: 'x'.repeat(201) }), ['id']);
  assert.deepEqual(fields('not an object'), ['(event)']);
  assert.deepEqual(fields(null), ['(event)']);
});

test('employee and pay-run data carry their id; the other families are free-form; leave data must be an absence', () => {
  assert.ok(parseEvent({ ...leaveEvent(123), type: 'payrun.deleted' }).ok);
  assert.ok(parseEvent({ ...leaveEvent({ id: 7, anything: [1, 2] }), type: 'employee.updated' }).ok);
  assert.ok(parseEvent({ ...leaveEvent({ Id: 4711, FirstName: 'Ada' }), type: 'employee.created' }).ok);
  assert.ok(parseEvent({ ...leaveEvent({ anything: [1, 2] }), type: 'bank_account.updated' }).ok);
  assert.ok(fields(leaveEvent(123)).includes('data'));
});

test('bad absence fields are named with their data path', () => {
  assert.deepEqual(fields(leaveEvent(absence({ start: { date: '2018-04-23', half: 'XM' } }))), ['data.start.half']);
  assert.deepEqual(fields(leaveEvent(absence({ end: { date: '2018-02-30', half: 'PM' } }))), ['data.end.date']);
  assert.deepEqual(fields(leaveEvent(absence({ owner: { id: 1, name: 'x', email: 5 } }))), ['data.owner.email']);
  assert.deepEqual(fields(leaveEvent(absence({ isConfirmed: 'yes' }))), ['data.isConfirmed']);
});

test('end before start is rejected, including same day PM to AM', () => {
  assert.deepEqual(fields(leaveEvent(absence({ end: { date: '2018-04-22', half: 'PM' } }))), ['data.end']);
  assert.match(
    messages(leaveEvent(absence({ start: { date: '2018-04-23', half: 'PM' }, end: { date: '2018-04-23', half: 'AM' } }))),
    /data\.end: end must not be before start/,
  );
});

test('a 10-year absence is rejected with a clear message; 366 days is accepted', () => {
  const message = messages(leaveEvent(absence({ start: { date: '2010-01-01', half: 'AM' }, end: { date: '2019-12-31', half: 'PM' } })));
  assert.match(message, new RegExp(`data\\.end: absence spans 3652 days; at most ${MAX_ABSENCE_DAYS}`));
  assert.ok(parseEvent(leaveEvent(absence({ start: { date: '2020-01-01', half: 'AM' }, end: { date: '2020-12-31', half: 'PM' } }))).ok);
});

test('halfDays is bounded, within start..end, without duplicates', () => {
  const many = Array.from({ length: 733 }, () => ({ date: '2018-04-23', isAm: true }));
  assert.deepEqual(fields(leaveEvent(absence({ halfDays: many }))), ['data.halfDays']);
  assert.deepEqual(fields(leaveEvent(absence({ halfDays: [{ date: '2018-04-25', isAm: true }] }))), ['data.halfDays.0']);
  assert.deepEqual(
    fields(leaveEvent(absence({ halfDays: [{ date: '2018-04-23', isAm: true }, { date: '2018-04-23', isAm: true }] }))),
    ['data.halfDays.1'],
  );
  assert.deepEqual(fields(leaveEvent(absence({ halfDays: [] }))), ['data.halfDays']);
});

test('hours accounts must carry durationInHours', () => {
  const hours = { id: 1, name: 'RTT', categoryId: null, categoryName: null, unit: 'hours' };
  assert.deepEqual(fields(leaveEvent(absence({ leaveAccount: hours }))), ['data.durationInHours']);
  assert.ok(parseEvent(leaveEvent(absence({ leaveAccount: hours, durationInHours: 7.5 }))).ok);
});

test('__proto__ keys are harmless', () => {
  const hostile = JSON.parse(
    '{"id":"e1","type":"leave.created","occurredAt":"2018-04-04T22:34:47Z","__proto__":{"polluted":true},' +
      `"data":${JSON.stringify(absence()).replace('{', '{"__proto__":{"isConfirmed":"x","polluted":true},')}}`,
  );
  const result = parseEvent(hostile);
  assert.ok(result.ok);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf(result.event), Object.prototype);
  assert.equal((result.event as unknown as Record<string, unknown>)['polluted'], undefined);
});

test('deeply nested data does not crash validation', () => {
  const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
  assert.ok(parseEvent({ ...leaveEvent(deep), type: 'timesheet.clock_in' }).ok);
  assert.deepEqual(fields({ ...leaveEvent(deep), type: 'employee.updated' }), ['data']);
  assert.ok(fields(leaveEvent({ owner: deep })).includes('data.owner'));
});

test('issue 20 #16: envelope and data are checked in one pass, each bad field once, in plain words', () => {
  const result = parseEvent({ id: '', occurredAt: 'yesterday', type: 'leave.approved', data: absence({ isConfirmed: undefined, start: { date: '2018-02-30', half: 'AM' } }) });
  assert.equal(result.ok, false);
  const byField = Object.fromEntries(result.ok ? [] : result.errors.map((e) => [e.field, e.message]));
  assert.deepEqual(Object.keys(byField).sort(), ['data.isConfirmed', 'data.start.date', 'id', 'occurredAt']);
  assert.equal(byField['data.isConfirmed'], 'is required');
  assert.match(byField['data.start.date']!, /^must be a date like 2026-03-01/);
  assert.match(byField.occurredAt!, /^must be a date-time like 2026-03-01T09:00:00Z/);
  assert.equal(byField.id, 'must not be empty');
  assert.match(messages(leaveEvent(absence({ isCancelled: 'no' }))), /^data\.isCancelled: must be true or false$/);
  assert.doesNotMatch(messages({ type: 'leave.approved' }), /expected|received|Invalid input/);
});

test('issue 20 #16: employee.created without an id is refused, naming data.id', () => {
  const employee = (data: unknown) => ({ id: 'e1', type: 'employee.created', occurredAt: '2026-03-01T09:00:00Z', data });
  assert.equal(messages(employee({ firstName: 'Ada', lastName: 'Lovelace' })), 'data.id: is required');
  assert.match(messages(employee('Ada')), /^data: must be an object with the employee's id in "id"/);
  assert.ok(parseEvent(employee({ id: 42, firstName: 'Ada' })).ok);
  assert.equal(messages({ ...employee({}), type: 'payrun.finalised' }), 'data.id: is required');
});

test('issue 20 #13: an occurredAt Postgres cannot store is refused (year 0000, 2026-02-30, offset +16:00)', () => {
  for (const occurredAt of ['0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01T00:00:00+16:00']) {
    assert.deepEqual(fields({ ...leaveEvent(absence()), occurredAt }), ['occurredAt'], occurredAt);
  }
  assert.ok(parseEvent({ ...leaveEvent(absence()), occurredAt: '0001-01-01T00:00:00+14:00' }).ok);
});
