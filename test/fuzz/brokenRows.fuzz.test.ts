// Fuzzes every list endpoint and list page with randomly corrupted rows written straight into Postgres (secrets
// sealed elsewhere or not sealed at all, jsonb of the wrong shape, unknown formats and statuses, times JS cannot
// hold): each answers 200, and a subscription with a known-bad column is flagged in `error`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { sealAuthorization, sealSecrets } from '../../src/infra/crypto/secretStore';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { testBox, testClient, uniqueTaskQueue } from '../support/temporal';
import { hostile } from './arbitraries';

const RUNS = 120;
const elsewhere = createSecretBox('a key this installation never had');
let db: TestDatabase;
let temporal: Client;
let app: Express;
let admin: string;
let cookie: string;

/** Text Postgres accepts (no NUL, no lone surrogate), since the corruption under test is in meaning, not encoding. */
const storable = (s: string) => s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
const clean = (v: unknown): unknown => {
  if (typeof v === 'string') return storable(v);
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), clean(x)]));
  return v;
};
const jsonText = (v: unknown) => JSON.stringify(clean(v)) ?? 'null';

const anyJson: fc.Arbitrary<string> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile).map(jsonText);
const oddTime = fc.constantFrom('infinity', '-infinity', '294276-12-31 23:59:59+00', '4713-01-01 00:00:00+00 BC', '2018-04-04 22:34:47+00', '1970-01-01 00:00:00+00');
const oddText = fc.oneof(fc.string({ maxLength: 30 }).map(storable), fc.constantFrom('', '<script>alert(1)</script>', '"><b>x', '💥'.repeat(50), 'x'.repeat(5000)));

const secrets = fc.oneof(
  fc.constant({ value: null as string | null, bad: false }),
  fc.constant({ value: sealSecrets(testBox, [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }]), bad: false }),
  fc.constant({ value: sealSecrets(elsewhere, [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }]), bad: true }),
  anyJson.map((json) => ({ value: testBox.seal(json), bad: true })),
  oddText.map((t) => ({ value: t, bad: true })),
  fc.constantFrom('v1:::', 'v2:abc:::', 'v1:AAAA:BBBB:CCCC').map((t) => ({ value: t, bad: true })),
);

const subscriptionRow = fc.record({
  name: oddText,
  url: oddText,
  format: fc.oneof(fc.constantFrom('lucca', 'aspnet', 'standard'), fc.constantFrom('fancy', '', 'STANDARD')),
  events: fc.oneof(fc.constantFrom('"*"', '["leave.approved"]'), anyJson),
  mode: fc.constantFrom(null, 'all', 'approved', 'sometimes'),
  authorization: fc.oneof(fc.constant(null), fc.constant(sealAuthorization(testBox, 'Basic ok')), fc.constant(sealAuthorization(elsewhere, 'Basic x')), oddText),
  secrets,
  retrySchedule: fc.oneof(fc.constant(null), fc.constant('["1m","10m"]'), anyJson),
  headers: fc.oneof(fc.constant('{}'), fc.constant('{"X-Api-Key":"s3cret"}'), anyJson),
  properties: fc.oneof(fc.constant('{}'), anyJson),
  enabled: fc.boolean(),
  disabledReason: fc.option(oddText),
  createdAt: oddTime,
  updatedAt: oddTime,
});

const deliveryRow = fc.record({
  status: fc.oneof(fc.constantFrom('pending', 'delivering', 'retrying', 'failed', 'delivered', 'processed', 'cancelled'), oddText),
  eventType: oddText,
  format: oddText,
  attempts: fc.integer(),
  lastStatusCode: fc.option(fc.integer()),
  lastError: fc.option(oddText),
  nextAttemptAt: fc.option(oddTime),
  subjectId: fc.option(oddText),
  subjectName: fc.option(oddText),
  actions: anyJson,
  createdAt: oddTime,
  updatedAt: oddTime,
});

type SubRow = typeof subscriptionRow extends fc.Arbitrary<infer T> ? T : never;
type DlvRow = typeof deliveryRow extends fc.Arbitrary<infer T> ? T : never;

async function insert(sub: SubRow, deliveries: DlvRow[]): Promise<string> {
  const id = `sub_fuzz_${Math.random().toString(36).slice(2)}`;
  await db.pool.query(
    `INSERT INTO subscriptions (id, name, url, format, events, mode, authorization_enc, secrets_enc, retry_schedule, headers, properties,
       enabled, disabled_reason, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5::jsonb,$6,$7,$8,$9::jsonb,$10::jsonb,$11::jsonb,$12,$13,$14::timestamptz,$15::timestamptz)`,
    [id, sub.name, sub.url, sub.format, sub.events, sub.mode, sub.authorization, sub.secrets.value, sub.retrySchedule, sub.headers,
      sub.properties, sub.enabled, sub.disabledReason, sub.createdAt, sub.updatedAt],
  );
  for (const [i, d] of deliveries.entries()) {
    const eventId = `${id}-evt-${i}`;
    await db.pool.query(`INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ($1, 'employee.created', now(), '{}', 'h')`, [eventId]);
    await db.pool.query(
      `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, last_status_code, last_error,
         next_attempt_at, subject_id, subject_name, actions, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10::timestamptz,$11,$12,$13::jsonb,$14::timestamptz,$15::timestamptz)`,
      [`dlv_${eventId}`, eventId, id, d.eventType, d.format, d.status, d.attempts, d.lastStatusCode, d.lastError, d.nextAttemptAt,
        d.subjectId, d.subjectName, d.actions, d.createdAt, d.updatedAt],
    );
  }
  return id;
}

async function clear(): Promise<void> {
  await db.pool.query('DELETE FROM deliveries; DELETE FROM events; DELETE FROM subscriptions');
}

/** A column whose stored value is certainly not usable: the row must be flagged. */
function knownBad(sub: SubRow): boolean {
  const parse = (t: string) => JSON.parse(t) as unknown;
  const headers = parse(sub.headers);
  return sub.secrets.bad
    || !['lucca', 'aspnet', 'standard'].includes(sub.format)
    || sub.mode === 'sometimes'
    || sub.createdAt.includes('infinity') || sub.createdAt.startsWith('294276')
    || headers === null || typeof headers !== 'object' || Array.isArray(headers);
}

async function get(path: string, headers: Record<string, string>) {
  const res = await request(app).get(path).set(headers);
  assert.equal(res.status, 200, `${path} answered ${res.status}: ${res.text.slice(0, 400)}`);
  return res;
}

describe('list endpoints and pages with corrupted rows', () => {
  before(async () => {
    db = await createTestDatabase();
    // The format has no CHECK (the registry decides, migration 011); the mode's CHECK is dropped so a bad mode can be stored.
    await db.pool.query('ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_mode_check');
    temporal = await testClient();
    const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', HRHOOKS_RATE_LIMIT: '1000000' });
    const deps = { pool: db.pool, taskQueue: uniqueTaskQueue('fuzz-rows'), box: testBox, config, log: createLogger('silent') };
    app = createApp({ ...deps, temporal, ui: createUiRouter({ ...deps, temporal }) });
    admin = (await createApiKey(db.pool, 'admin', 'fuzz-admin', 'default')).key;
    const login = await request(app).post('/login').type('form').send({ key: admin });
    assert.equal(login.status, 303);
    cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
  });
  after(async () => {
    await temporal?.connection.close();
    await db?.drop();
  });

  test('every list endpoint and page answers 200; a subscription with a bad column carries error', async () => {
    const bearer = { authorization: `Bearer ${admin}` };
    await fc.assert(
      fc.asyncProperty(subscriptionRow, fc.array(deliveryRow, { maxLength: 3 }), async (sub, deliveries) => {
        await clear();
        const id = await insert(sub, deliveries);
        const list = await get('/v1/subscriptions', bearer);
        const item = list.body.items.find((s: { id: string }) => s.id === id);
        assert.ok(item, 'the broken row is listed');
        assert.ok(item.error === null || (typeof item.error === 'string' && item.error.length > 0));
        if (knownBad(sub)) assert.equal(typeof item.error, 'string', `flagged: ${JSON.stringify(sub).slice(0, 300)}`);
        assert.ok(!JSON.stringify(list.body).includes('whsec_'), 'no secret in a list');
        assert.ok(!JSON.stringify(list.body).includes('s3cret'), 'sensitive static headers stay redacted');
        assert.equal((await get(`/v1/subscriptions/${id}`, bearer)).body.error, item.error);
        await get('/v1/deliveries', bearer);
        await get(`/v1/deliveries?subscriptionId=${id}&status=failed`, bearer);
        await get('/v1/dashboard', bearer);
        for (const page of ['/', `/?subscription=${id}`, '/deliveries', `/deliveries?subscription=${id}`, '/subscriptions']) {
          const res = await get(page, { cookie });
          assert.doesNotMatch(res.text, /<script>alert/, `${page} escapes stored text`);
          if (item.error && page === '/subscriptions') assert.match(res.text, new RegExp(`<tbody id="sub-${id}" class="broken">`));
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 90_000 },
    );
  });
});
