// Fuzzes POST /v1/events and POST /v1/subscriptions (supertest on createApp, real Postgres and Temporal;
// no worker polls the task queue): any input gets a 4xx problem+json or a valid 202 / 201, never a 5xx.
// Two tenants (issue 22): the fuzz runs with tenant A's keys while tenant B has a subscription, events,
// deliveries and keys; no answer to A's keys ever contains one of B's ids, and A naming B's ids gets a 4xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Express } from 'express';
import request from 'supertest';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { EVENT_TYPES } from '../../src/domain/events/eventTypes';
import { createApp } from '../../src/interfaces/api/app';
import { createLogger } from '../../src/infra/observability/log';
import { sampleAbsence } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { testBox, testClient, uniqueTaskQueue } from '../support/temporal';
import type { Client } from '@temporalio/client';
import { hostile, hostileDate, nested } from './arbitraries';

const RUNS = 300;
const BUDGET_MS = 60_000;
let db: TestDatabase;
let temporal: Client;
let app: Express;
let admin: string;
let producer: string;
const seen = new Map<number, number>();
const TENANT_A = 'fuzz-tenant-a';
const TENANT_B = 'fuzz-tenant-b';
/** Tenant B's ids (and names): none may appear in an answer to A's keys, unless A's request named it. */
const bIds: string[] = [];
const bDeliveries: string[] = [];

before(async () => {
  db = await createTestDatabase();
  temporal = await testClient();
  const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', HRHOOKS_RATE_LIMIT: '1000000' });
  app = createApp({ pool: db.pool, temporal, taskQueue: uniqueTaskQueue('fuzz'), box: testBox, config, log: createLogger('silent') });
  await db.pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1), ($2, $2)', [TENANT_A, TENANT_B]);
  admin = (await createApiKey(db.pool, 'admin', 'fuzz-admin', TENANT_A)).key;
  producer = (await createApiKey(db.pool, 'producer', 'fuzz-producer', TENANT_A)).key;
  await seedTenantB();
});

/** B's subscription, event (its deliveries stay pending: no worker) and keys, made through B's own keys. */
async function seedTenantB(): Promise<void> {
  const bAdmin = await createApiKey(db.pool, 'admin', 'fuzz-b-admin-name', TENANT_B);
  const bProducer = await createApiKey(db.pool, 'producer', 'fuzz-b-producer-name', TENANT_B);
  const sub = await request(app).post('/v1/subscriptions').set('authorization', `Bearer ${bAdmin.key}`)
    .send({ name: 'fuzz-b-subscription-name', url: 'http://127.0.0.1:9/fuzz-b', format: 'standard', events: '*' });
  assert.equal(sub.status, 201, sub.text);
  const eventId = `fuzz-b-event-${process.pid}`;
  const event = { id: eventId, type: 'leave.approved', occurredAt: '2018-04-04T22:34:47Z', data: sampleAbsence({ owner: { id: 1, name: 'Brunhilde Fuzzbee', email: 'b@example.test' } }) };
  const posted = await request(app).post('/v1/events').set('authorization', `Bearer ${bProducer.key}`).send(event);
  assert.equal(posted.status, 202, posted.text);
  bDeliveries.push(...posted.body.deliveries.map((d: { id: string }) => d.id));
  assert.equal(bDeliveries.length, 1);
  bIds.push(TENANT_B, bAdmin.id, bProducer.id, sub.body.id, eventId, ...posted.body.deliveries.map((d: { id: string }) => d.id), 'fuzz-b-', 'Brunhilde');
}

/** An answer to one of A's keys names nothing of B's but what the request itself named. */
function assertNoB(res: request.Response, sent: string): void {
  const text = `${res.text ?? ''} ${JSON.stringify(res.headers)}`;
  for (const id of bIds) if (!sent.includes(id)) assert.ok(!text.includes(id), `an answer to tenant A shows B's ${id}: ${text.slice(0, 300)}`);
}
after(async () => {
  await temporal.connection.close();
  await db.drop();
  console.log(`# fuzz statuses: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
});

/** Posts a body (a value is JSON-encoded; a string is sent raw) and checks the answer's shape. */
async function postChecked(path: string, key: string, body: unknown, accepted: number): Promise<number> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await request(app).post(path).set('authorization', `Bearer ${key}`).set('content-type', 'application/json').send(raw);
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
  assertNoB(res, raw);
  if (res.status === accepted) return res.status;
  assert.ok(res.status >= 400 && res.status < 500, `${path} answered ${res.status} for ${raw.slice(0, 300)}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
  const problem = JSON.parse(res.text);
  assert.equal(problem.status, res.status);
  assert.equal(typeof problem.detail, 'string');
  assert.equal(problem.stack, undefined);
  return res.status;
}

const wildAbsence = fc.record({
  start: fc.record({ date: hostileDate, half: fc.constantFrom('AM', 'PM', 'am', '', null) }),
  end: fc.record({ date: hostileDate, half: fc.constantFrom('AM', 'PM', 'XX') }),
  halfDays: fc.option(fc.array(fc.record({ date: hostileDate, isAm: fc.oneof(fc.boolean(), hostile) }), { maxLength: 30 })),
  unit: fc.constantFrom('days', 'hours', 'weeks', 1),
  durationInHours: fc.option(fc.oneof(fc.double(), fc.integer())),
  ownerName: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ minLength: 900, maxLength: 1200 }), hostile),
}).map((a) => sampleAbsence({
  start: a.start, end: a.end, halfDays: a.halfDays,
  leaveAccount: { id: 1, name: 'x', unit: a.unit }, durationInHours: a.durationInHours,
  owner: { id: 1, name: a.ownerName, email: 'e@example.test' },
}));

/** Plausible absences: a start in 1900..2100 and a length from -3 half-days (end before start) to ~11 years. */
const plausibleAbsence = fc.record({
  startDay: fc.integer({ min: -25_000, max: 47_000 }),
  startAm: fc.boolean(),
  halves: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 700, max: 8_000 })),
  unicodeName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  explicit: fc.boolean(),
}).map((a) => {
  const date = (half: number) => new Date(Math.floor(half / 2) * 86_400_000).toISOString().slice(0, 10);
  const from = a.startDay * 2 + (a.startAm ? 0 : 1);
  const to = from + a.halves;
  const halfDays = a.explicit && a.halves >= 0 && a.halves < 40
    ? Array.from({ length: a.halves + 1 }, (_, i) => ({ date: date(from + i), isAm: (from + i) % 2 === 0 }))
    : null;
  return sampleAbsence({
    start: { date: date(from), half: from % 2 === 0 ? 'AM' : 'PM' },
    end: { date: date(to), half: to % 2 === 0 ? 'AM' : 'PM' },
    halfDays,
    owner: { id: 1, name: a.unicodeName, email: 'e@example.test' },
  });
});

let serial = 0;
const plausibleEvent = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  occurredAt: fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  absence: plausibleAbsence,
  other: fc.jsonValue({ maxDepth: 5 }),
}).map((e) => ({ id: `fz-${process.pid}-${serial++}`, type: e.type, occurredAt: e.occurredAt, data: e.type.startsWith('leave.') ? e.absence : e.other }));

/** A plausible event with one field replaced by something hostile. */
const mutatedEvent = fc.tuple(plausibleEvent, fc.constantFrom('id', 'type', 'occurredAt', 'data', 'extra'), hostile)
  .map(([event, field, value]) => ({ ...event, [field]: value }));

const wildEvent = fc.record({
  id: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }).map((s) => `fz-${s}`), fc.string({ maxLength: 300 }), hostile),
  type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.string(), hostile),
  occurredAt: fc.oneof(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())), hostileDate, hostile),
  data: fc.oneof(wildAbsence, fc.jsonValue({ maxDepth: 4 }), hostile),
}, { requiredKeys: [] });

const eventBody = fc.oneof(plausibleEvent, mutatedEvent, wildEvent);

describe('fuzz POST /v1/events', () => {
  test('structured hostile events: 202 or 4xx problem', { timeout: BUDGET_MS * 2 }, async () => {
    await fc.assert(fc.asyncProperty(eventBody, async (body) => {
      await postChecked('/v1/events', producer, body, 202);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });

  test('random JSON and random text: 202 or 4xx problem', { timeout: BUDGET_MS * 2 }, async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.json()), async (body) => {
      await postChecked('/v1/events', producer, body, 202);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });

  test('named hostile cases', async () => {
    const valid = { id: `fz-valid-${process.pid}`, type: 'leave.approved', occurredAt: '2018-04-04T22:34:47Z', data: sampleAbsence() };
    assert.equal(await postChecked('/v1/events', producer, valid, 202), 202);
    const cases: [string, unknown, number][] = [
      ['10,000 levels of objects', nested(10_000, 'object'), 400],
      ['100,000 levels of arrays (raw)', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 400],
      ['10,000 levels inside data', `{"id":"deep","type":"employee.updated","occurredAt":"2020-01-01T00:00:00Z","data":${nested(10_000, 'array')}}`, 400],
      ['900 KB string', { ...valid, type: 'employee.updated', id: 'fz-huge', data: { id: 1, blob: 'x'.repeat(900_000) } }, 202],
      ['2 MB body', { ...valid, type: 'employee.updated', id: 'fz-2mb', data: { id: 1, blob: 'x'.repeat(2_000_000) } }, 413],
      ['__proto__ key', `{"__proto__":{"polluted":true},"id":"fz-proto","type":"employee.updated","occurredAt":"2020-01-01T00:00:00Z","data":{"id":1,"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}}`, 202],
      ['constructor key (unknown top-level keys are ignored)', { ...valid, id: 'fz-ctor', constructor: { prototype: { polluted: true } } }, 202],
      ['lone surrogates (not Unicode: Postgres cannot store them)', `{"id":"fz-\\ud800","type":"employee.updated","occurredAt":"2020-01-01T00:00:00Z","data":{"id":"\\udfff"}}`, 400],
      ['occurredAt year 0000', { ...valid, id: 'fz-year0', occurredAt: '0000-01-01T00:00:00Z' }, 400],
      ['end before start', { ...valid, id: 'fz-rev', data: sampleAbsence({ start: { date: '2018-04-24', half: 'PM' }, end: { date: '2018-04-23', half: 'AM' } }) }, 400],
      ['same day PM→AM', { ...valid, id: 'fz-pmam', data: sampleAbsence({ start: { date: '2018-04-24', half: 'PM' }, end: { date: '2018-04-24', half: 'AM' } }) }, 400],
      ['10-year absence', { ...valid, id: 'fz-10y', data: sampleAbsence({ start: { date: '2018-01-01', half: 'AM' }, end: { date: '2027-12-31', half: 'PM' } }) }, 400],
      ['10,000-year absence', { ...valid, id: 'fz-10ky', data: sampleAbsence({ start: { date: '0001-01-01', half: 'AM' }, end: { date: '9999-12-31', half: 'PM' } }) }, 400],
      ['February 30th', { ...valid, id: 'fz-feb30', data: sampleAbsence({ start: { date: '2018-02-30', half: 'AM' } }) }, 400],
      ['occurredAt year 275760+', { ...valid, id: 'fz-far', occurredAt: '+275761-01-01T00:00:00Z' }, 400],
      ['occurredAt not a date', { ...valid, id: 'fz-nodate', occurredAt: '2018-13-45T99:99:99Z' }, 400],
      ['null body', 'null', 400],
      ['empty array', '[]', 400],
      ['number', '1e999', 400],
    ];
    for (const [name, body, expected] of cases) {
      assert.equal(await postChecked('/v1/events', producer, body, 202), expected, name);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
});

const wildSubscription = fc.record({
  name: fc.oneof(fc.string({ maxLength: 250 }), hostile),
  url: fc.oneof(
    fc.constantFrom('http://127.0.0.1:9/hook', 'http://169.254.169.254/', 'http://[::ffff:a9fe:a9fe]/', 'http://0x7f000001/', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'gopher://127.0.0.1/'),
    fc.webUrl(), fc.string(), hostile,
  ),
  format: fc.oneof(fc.constantFrom('lucca', 'aspnet', 'standard'), fc.string(), hostile),
  events: fc.oneof(fc.constant('*'), fc.subarray([...EVENT_TYPES]), fc.array(fc.string(), { maxLength: 5 }), hostile),
  mode: fc.constantFrom('all', 'approved', 'other', undefined),
  secret: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('whsec_!!notbase64!!'), fc.base64String().map((s) => `whsec_${s}`), hostile),
  authorization: fc.oneof(fc.string({ maxLength: 50 }), fc.constant('a\r\nInjected: yes')),
  retrySchedule: fc.oneof(fc.array(fc.oneof(fc.constantFrom('1s', '5m', '24h', '0s', '-1m', '99999999h', '1y'), fc.string()), { maxLength: 40 }), hostile),
  headers: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 30 })), fc.constant({ 'x-a': 'b\r\nc' }), hostile),
  properties: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile),
  enabled: fc.oneof(fc.boolean(), hostile),
}, { requiredKeys: [] });

const plausibleSubscription = fc.record({
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((n) => n.trim().length > 0),
  format: fc.constantFrom('aspnet', 'standard'),
  path: fc.webPath(),
  events: fc.oneof(fc.constant('*' as const), fc.subarray([...EVENT_TYPES], { minLength: 1 })),
  retrySchedule: fc.option(fc.array(fc.constantFrom('1s', '30s', '5m', '1h', '24h'), { minLength: 1, maxLength: 10 }), { nil: undefined }),
  properties: fc.option(fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), { nil: undefined }),
}).map((s) => ({ name: s.name, url: `http://127.0.0.1:9${s.path}`, format: s.format, events: s.events, retrySchedule: s.retrySchedule, properties: s.properties }));

const mutatedSubscription = fc.tuple(plausibleSubscription, fc.constantFrom('name', 'url', 'format', 'events', 'retrySchedule', 'properties', 'headers', 'secret', 'mode'), hostile)
  .map(([sub, field, value]) => ({ ...sub, [field]: value }));

const subscriptionBody = fc.oneof(plausibleSubscription, mutatedSubscription, wildSubscription);

describe('fuzz POST /v1/subscriptions', () => {
  test('hostile subscriptions: 201 or 4xx problem', { timeout: BUDGET_MS * 2 }, async () => {
    await fc.assert(fc.asyncProperty(subscriptionBody, async (body) => {
      await postChecked('/v1/subscriptions', admin, body, 201);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });

  test('named hostile subscriptions', async () => {
    const base = '"name":"deep","url":"http://127.0.0.1:9/h","format":"aspnet","events":"*"';
    const cases: [string, unknown, number][] = [
      ['metadata URL', { name: 'meta', url: 'http://169.254.169.254/latest', format: 'standard', events: '*' }, 400],
      ['10,000-level properties', `{${base},"properties":${nested(10_000, 'object')}}`, 400],
      ['10,000-level headers', `{${base},"headers":${nested(10_000, 'object')}}`, 400],
      ['__proto__ properties', `{${base},"properties":{"__proto__":{"polluted":true}}}`, 201],
    ];
    for (const [name, body, expected] of cases) assert.equal(await postChecked('/v1/subscriptions', admin, body, 201), expected, name);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });
});

/** Routes that take an id, and what tenant A may send them. */
const ID_ROUTES: [string, string][] = [
  ['get', '/v1/deliveries/{id}'], ['post', '/v1/deliveries/{id}/resync'], ['post', '/v1/deliveries/{id}/mark-processed'],
  ['get', '/v1/subscriptions/{id}'], ['patch', '/v1/subscriptions/{id}'], ['delete', '/v1/subscriptions/{id}'],
  ['post', '/v1/subscriptions/{id}/test'], ['post', '/v1/subscriptions/{id}/resume'], ['post', '/v1/subscriptions/{id}/rotate-secret'],
  ['post', '/v1/subscriptions/{id}/rotate-authorization'], ['post', '/v1/subscriptions/{id}/activate-credential'],
  ['get', '/v1/subscriptions/{id}/health'], ['post', '/v1/keys/{id}/revoke'],
];
const LISTS = ['/v1/deliveries', '/v1/subscriptions', '/v1/dashboard', '/v1/keys'];

describe('fuzz tenant A against tenant B', () => {
  test("A's keys × B's ids (raw, in the path, in the query, under /v1/tenants/B/) × any body: 4xx, nothing of B shown", { timeout: BUDGET_MS * 2 }, async () => {
    const bId = fc.constantFrom(...bIds.slice(0, -2));
    const target = fc.oneof(
      fc.tuple(fc.constantFrom(...ID_ROUTES), bId).map(([[method, p], id]) => ({ method, path: p.replace('{id}', encodeURIComponent(id)), refused: true })),
      fc.tuple(fc.constantFrom(...ID_ROUTES), bId).map(([[method, p], id]) => ({ method, path: `/v1/tenants/${TENANT_B}${p.slice(3).replace('{id}', encodeURIComponent(id))}`, refused: true })),
      fc.tuple(fc.constantFrom(...LISTS), fc.constantFrom('q', 'subscriptionId', 'eventType', 'status', 'cursor'), bId)
        .map(([p, name, id]) => ({ method: 'get', path: `${p}?${name}=${encodeURIComponent(id)}`, refused: false })),
    );
    await fc.assert(fc.asyncProperty(target, fc.boolean(), fc.oneof(fc.constant(undefined), fc.object({ maxDepth: 2 }), fc.record({ note: fc.string() })), async (t, asAdmin, body) => {
      const key = asAdmin ? admin : producer;
      const req = (request(app) as unknown as Record<string, (p: string) => request.Test>)[t.method]!(t.path).set('authorization', `Bearer ${key}`);
      const res = body === undefined ? await req : await req.send(body as object);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      assertNoB(res, `${t.path} ${JSON.stringify(body ?? '')}`);
      assert.ok(res.status < 500, `${t.method} ${t.path} → ${res.status}: ${res.text.slice(0, 300)}`);
      if (t.refused || !asAdmin) assert.ok(res.status >= 400, `${t.method} ${t.path} with A's ${asAdmin ? 'admin' : 'producer'} key → ${res.status}: ${res.text.slice(0, 300)}`);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
    const untouched = await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'pending'", [TENANT_B]);
    assert.equal(untouched.rows[0].n, bDeliveries.length, "B's deliveries are all still pending (none resynced, processed or cancelled by A)");
    const subs = await db.pool.query("SELECT name, enabled FROM subscriptions WHERE tenant_id = $1", [TENANT_B]);
    assert.deepEqual(subs.rows, [{ name: 'fuzz-b-subscription-name', enabled: true }]);
    const keys = await db.pool.query('SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL', [TENANT_B]);
    assert.equal(keys.rows[0].n, 2);
  });
});
