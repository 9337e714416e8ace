// Issue 20 #13 and #16 at the API: input Postgres cannot store (a lone surrogate, year 0000, %00 in an id,
// a cursor whose date only JavaScript accepts) is a 400 problem naming the field, never a 500; an event's
// bad fields are all named in one answer, in plain words; /openapi.json documents each event type's data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { api, as, employeeEvent, leaveEvent, startHarness, type Harness } from './harness';

describe('input Postgres cannot store is a 400 naming the field (issue 20 #13)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** The answer is a 400 problem whose errors name `field`; returns that error's message. */
  const refused = (res: request.Response, field: string): string => {
    assert.equal(res.status, 400, `${res.status} ${JSON.stringify(res.body)}`);
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
    const error = (res.body.errors as { field: string; message: string }[]).find((e) => e.field === field);
    assert.ok(error, `${field} in ${JSON.stringify(res.body.errors)}`);
    return error.message;
  };
  const stored = async (id: string) => (await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE id = $1', [id])).rows[0].n;

  test('a lone surrogate "\\ud800" in event data', async () => {
    const event = leaveEvent('leave.approved', { ownerName: 'Ada \ud800' });
    const raw = JSON.stringify(event);
    assert.ok(raw.includes('\\ud800'), 'sent as the JSON escape');
    const res = await request(h.app).post('/v1/events').set(as(h.producerKey)).set('content-type', 'application/json').send(raw);
    assert.match(refused(res, 'data.owner.name'), /lone UTF-16 surrogate/);
    assert.equal(await stored(event.id), 0);
  });

  test('occurredAt 0000-01-01T00:00:00Z', async () => {
    const event = { ...employeeEvent(), occurredAt: '0000-01-01T00:00:00Z' };
    const res = await api(h.app, h.producerKey).post('/v1/events', event);
    assert.match(refused(res, 'occurredAt'), /^must be a date-time like/);
    assert.equal(await stored(event.id), 0);
  });

  test('%00 in /v1/subscriptions/:id', async () => {
    const admin = api(h.app, h.adminKey);
    assert.match(refused(await admin.get('/v1/subscriptions/sub_%00'), 'id'), /NUL/);
    refused(await admin.patch('/v1/subscriptions/%00', { name: 'x' }), 'id');
    refused(await admin.delete('/v1/subscriptions/%00'), 'id');
    refused(await admin.post('/v1/subscriptions/%00/test', {}), 'id');
  });

  test('%00 in /v1/deliveries/:id', async () => {
    const admin = api(h.app, h.adminKey);
    assert.match(refused(await admin.get('/v1/deliveries/dlv_%00'), 'id'), /NUL/);
    refused(await admin.post('/v1/deliveries/%00/resync', {}), 'id');
    refused(await admin.post('/v1/deliveries/%00/mark-processed', { note: 'n' }), 'id');
  });

  test('a cursor whose date JavaScript accepts and Postgres does not', async () => {
    const admin = api(h.app, h.adminKey);
    for (const date of ['2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-03-01T00:00:00+23:00']) {
      assert.ok(!Number.isNaN(Date.parse(date)), `JavaScript accepts ${date}`);
      const cursor = Buffer.from(JSON.stringify([date, 'dlv_x']), 'utf8').toString('base64url');
      refused(await admin.get(`/v1/deliveries?cursor=${cursor}`), 'cursor');
    }
    refused(await admin.get('/v1/deliveries?since=0000-01-01T00:00:00Z'), 'since');
    const good = Buffer.from(JSON.stringify(['2026-03-01 09:00:00.123456+00', 'dlv_x']), 'utf8').toString('base64url');
    assert.equal((await admin.get(`/v1/deliveries?cursor=${good}`)).status, 200);
  });
});

describe('events are validated in one pass, in plain words (issue 20 #16)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('bad envelope fields and bad data fields come back together, each once', async () => {
    const good = leaveEvent('leave.approved');
    const res = await api(h.app, h.producerKey).post('/v1/events', {
      ...good, id: '', occurredAt: 'yesterday', data: { ...good.data, isConfirmed: undefined, start: { date: '2018-02-30', half: 'AM' } },
    });
    assert.equal(res.status, 400);
    const errors = res.body.errors as { field: string; message: string }[];
    assert.deepEqual(errors.map((e) => e.field).sort(), ['data.isConfirmed', 'data.start.date', 'id', 'occurredAt']);
    const text = errors.map((e) => `${e.field}: ${e.message}`).join('\n');
    assert.match(text, /^data\.isConfirmed: is required$/m);
    assert.match(text, /^data\.start\.date: must be a date like 2026-03-01/m);
    assert.doesNotMatch(text, /expected|received|Invalid input/);
  });

  test('employee.created without an id is refused, naming data.id; with one it is accepted', async () => {
    const producer = api(h.app, h.producerKey);
    const res = await producer.post('/v1/events', { ...employeeEvent(), data: { firstName: 'Ada', lastName: 'Lovelace' } });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body.errors, [{ field: 'data.id', message: 'is required' }]);
    assert.equal((await producer.post('/v1/events', employeeEvent())).status, 202);
  });

  test("/openapi.json documents each event type's data", async () => {
    const doc = (await request(h.app).get('/openapi.json')).body;
    const body = doc.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    const variants = body.oneOf as { properties: { type: { enum: string[] }; data: Record<string, unknown> }; required: string[] }[];
    const dataOf = (type: string) => variants.find((v) => v.properties.type.enum.includes(type))!.properties.data;
    assert.equal(variants.flatMap((v) => v.properties.type.enum).length, 18);
    for (const v of variants) assert.deepEqual([...v.required].sort(), ['data', 'id', 'occurredAt', 'type']);
    const leave = dataOf('leave.approved') as { properties: Record<string, unknown>; required: string[] };
    assert.ok(leave.required.includes('owner') && 'halfDays' in leave.properties);
    const employee = JSON.stringify(dataOf('employee.created'));
    assert.match(employee, /"required":\["id"\]/);
    assert.match(JSON.stringify(dataOf('payrun.deleted')), /the bare id/);
  });
});
