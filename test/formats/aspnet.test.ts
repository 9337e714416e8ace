import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aspnet, aspnetBody, ASPNET_ACTIONS, notificationOf } from '../../src/domain/formats/aspnet';
import { aspnetWorkItemId } from '../../src/domain/formats/identity';
import type { SubscriptionView } from '../../src/domain/formats/format';
import { EVENT_TYPES } from '../../src/domain/events/eventTypes';
import { parseEvent, type HrEvent } from '../../src/domain/events/schema';
import { msSignature, verifyMs } from '../../src/domain/signing/signature';

const vector = JSON.parse(readFileSync(join(__dirname, '../vectors/aspnet.json'), 'utf8'));

function sub(overrides: Partial<SubscriptionView> = {}): SubscriptionView {
  return { id: 'sub_1', format: 'aspnet', events: '*', secrets: [vector.secret], headers: {}, properties: {}, ...overrides };
}

function event(): HrEvent {
  const parsed = parseEvent(vector.event);
  assert.ok(parsed.ok);
  return parsed.event;
}

test('the seed example comes out byte for byte with its signature', () => {
  const body = aspnetBody(vector.workItemId, vector.attempt, vector.properties, [notificationOf(event())]);
  assert.equal(body.toString('utf8'), vector.body);
  assert.deepEqual(body, Buffer.from(vector.body, 'utf8'));
  assert.equal(msSignature(vector.secret, body), vector.signature);
  assert.ok(verifyMs(vector.secret, body, vector.signature));
  assert.ok(!verifyMs(vector.secret, Buffer.concat([body, Buffer.from(' ')]), vector.signature));
});

test('render produces the seed shape with a stable 32-hex Id and MS-Signature of the newest secret', () => {
  const req = aspnet.render({ event: event(), deliveryId: 'dlv_x', attempt: 1, now: new Date(), subscription: sub() });
  const id = aspnetWorkItemId('dlv_x');
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(req.body.toString('utf8'), vector.body.replace(vector.workItemId, id));
  assert.deepEqual(req.headers, { 'ms-signature': msSignature(vector.secret, req.body), 'content-type': 'application/json' });
  const rotated = aspnet.render({ event: event(), deliveryId: 'dlv_x', attempt: 1, now: new Date(), subscription: sub({ secrets: ['new-secret', vector.secret] }) });
  assert.equal(rotated.headers['ms-signature'], msSignature('new-secret', rotated.body));
});

test('Attempt increments and each attempt is signed anew; Id stays', () => {
  const render = (attempt: number) => aspnet.render({ event: event(), deliveryId: 'dlv_x', attempt, now: new Date(), subscription: sub() });
  const [one, two] = [render(1), render(2)];
  const [b1, b2] = [JSON.parse(one.body.toString()), JSON.parse(two.body.toString())];
  assert.equal(b1.Attempt, 1);
  assert.equal(b2.Attempt, 2);
  assert.equal(b1.Id, b2.Id);
  assert.notEqual(one.headers['ms-signature'], two.headers['ms-signature']);
  assert.ok(verifyMs(vector.secret, two.body, two.headers['ms-signature']));
});

test('all 18 event types have their Action', () => {
  const expected = [
    'LeaveRequestCreated', 'LeaveRequestUpdated', 'LeaveRequestApproved', 'LeaveRequestDeclined', 'LeaveRequestCancelled',
    'LeaveRequestDeleted', 'EmployeeCreated', 'EmployeeUpdated', 'EmployeeTerminated', 'PayRunInitialised', 'PayRunFinalised',
    'PayRunDeleted', 'BankAccountUpdated', 'BankAccountDeleted', 'EmployeeRecurringDeductionUpdated',
    'EmployeeRecurringDeductionDeleted', 'ClockIn', 'ClockOut',
  ];
  assert.deepEqual(EVENT_TYPES.map((t) => ASPNET_ACTIONS[t]), expected);
  for (const type of EVENT_TYPES) {
    const req = aspnet.render({ event: { ...event(), type }, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub() });
    assert.equal(JSON.parse(req.body.toString()).Notifications[0].Action, ASPNET_ACTIONS[type]);
  }
});

test('non-object data goes in as Id; object data cannot override Action; Properties come from the subscription', () => {
  const deleted: HrEvent = { id: 'e', type: 'payrun.deleted', occurredAt: '2020-01-01T00:00:00Z', data: 4711 };
  assert.deepEqual(notificationOf(deleted), { Action: 'PayRunDeleted', Id: 4711 });
  assert.deepEqual(notificationOf({ ...deleted, data: { Action: 'Evil', Id: 1 } }), { Action: 'PayRunDeleted', Id: 1 });
  const req = aspnet.render({ event: deleted, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub({ properties: { tenant: 'acme' } }) });
  assert.deepEqual(JSON.parse(req.body.toString()).Properties, { tenant: 'acme' });
});

test('CRLF only between structural lines; newlines inside strings stay escaped', () => {
  const ev: HrEvent = { id: 'e', type: 'employee.updated', occurredAt: '2020-01-01T00:00:00Z', data: { Note: 'a\nb\r\nc' } };
  const text = aspnet.render({ event: ev, deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub() }).body.toString();
  assert.ok(!/[^\r]\n/.test(text));
  assert.equal(JSON.parse(text).Notifications[0].Note, 'a\nb\r\nc');
});

test('extra headers are added but never override the format headers', () => {
  const req = aspnet.render({
    event: event(), deliveryId: 'd', attempt: 1, now: new Date(),
    subscription: sub({ headers: { 'X-Tenant': 'acme', 'MS-Signature': 'forged', 'Content-Length': '1', 'Bad\nName': 'x' } }),
  });
  assert.equal(req.headers['x-tenant'], 'acme');
  assert.notEqual(req.headers['ms-signature'], 'forged');
  assert.equal(Object.keys(req.headers).length, 3);
});

test('no secret is a clear error', () => {
  assert.throws(() => aspnet.render({ event: event(), deliveryId: 'd', attempt: 1, now: new Date(), subscription: sub({ secrets: [] }) }), /no signing secret/);
});
