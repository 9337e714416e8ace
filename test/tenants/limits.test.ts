// Per-tenant limits (issue 22 item 6). limits.eventsPerSecond: past it POST /v1/events (and the platform's
// /v1/tenants/:id/events) answers 429 problem+json with Retry-After and stores nothing, counted in Postgres so two
// gateways (two apps, two pools) share one budget; other tenants are not touched. limits.subscriptions: a creation
// past it is refused (409 naming the limit), concurrent creations included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Express } from 'express';
import { Pool } from 'pg';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createApp } from '../../src/interfaces/api/app';
import { createLogger } from '../../src/infra/observability/log';
import { testBox } from '../support/temporal';
import { api, employeeEvent, startHarness, type Harness } from '../gateway/harness';

let h: Harness;
let secondPool: Pool;
/** A second gateway: its own app and its own connection pool on the same Postgres. */
let second: Express;
let platformKey: string;

before(async () => {
  h = await startHarness();
  secondPool = new Pool({ connectionString: h.db.url, max: 2 });
  second = createApp({ pool: secondPool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') });
  platformKey = (await createApiKey(h.db.pool, 'platform', 'test-platform', null)).key;
});
after(async () => {
  await secondPool.end();
  await h.close();
});

/** A tenant with these limits and a producer key; returns the key. */
async function tenant(id: string, limits: Record<string, number>): Promise<string> {
  await h.db.pool.query('INSERT INTO tenants (id, name, limits) VALUES ($1, $1, $2)', [id, JSON.stringify(limits)]);
  return (await createApiKey(h.db.pool, 'producer', `producer-${id}`, id)).key;
}

async function storedEvents(tenantId: string): Promise<number> {
  const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenantId]);
  return rows[0].n;
}

function assertRateLimited(res: { status: number; headers: Record<string, string>; body: any }, maxSeconds: number) {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.match(res.headers['content-type']!, /^application\/problem\+json/);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds, `Retry-After ${res.headers['retry-after']}`);
  assert.match(res.body.detail, /limits\.eventsPerSecond/);
  return retryAfter;
}

describe('limits.eventsPerSecond', () => {
  test('past the rate, either gateway answers 429 with Retry-After and stores nothing; other tenants are unaffected', async () => {
    // 0.2 a second: one event, then the next is 5 s away, whichever gateway it reaches
    const limited = await tenant('slow-co', { eventsPerSecond: 0.2 });
    const calm = await tenant('calm-co', {});
    const alsoLimited = await tenant('slow-too', { eventsPerSecond: 0.2 });

    assert.equal((await api(h.app, limited).post('/v1/events', employeeEvent())).status, 202);
    assertRateLimited(await api(second, limited).post('/v1/events', employeeEvent()), 5);
    assertRateLimited(await api(h.app, limited).post('/v1/events', employeeEvent()), 5);
    // the platform naming the tenant posts into the same budget
    assertRateLimited(await api(second, platformKey).post('/v1/tenants/slow-co/events', employeeEvent()), 5);
    assert.equal(await storedEvents('slow-co'), 1);

    // a tenant without a limit, and one with its own bucket, are not held by slow-co's
    for (let i = 0; i < 5; i++) assert.equal((await api(i % 2 ? second : h.app, calm).post('/v1/events', employeeEvent())).status, 202);
    assert.equal((await api(second, alsoLimited).post('/v1/events', employeeEvent())).status, 202);
    assert.equal(await storedEvents('calm-co'), 5);
    assert.equal(await storedEvents('slow-too'), 1);
  });

  test('Retry-After is honest: after waiting it, the next event is accepted', async () => {
    const key = await tenant('paced-co', { eventsPerSecond: 0.5 });
    assert.equal((await api(h.app, key).post('/v1/events', employeeEvent())).status, 202);
    const retryAfter = assertRateLimited(await api(second, key).post('/v1/events', employeeEvent()), 2);
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    assert.equal((await api(second, key).post('/v1/events', employeeEvent())).status, 202);
  });
});

describe('limits.subscriptions', () => {
  const spec = (name: string) => ({ name, url: 'http://127.0.0.1:9/hook', format: 'standard', events: ['employee.created'] });

  test('a creation past the limit is refused naming it; deleting one makes room', async () => {
    await tenant('small-co', { subscriptions: 2 });
    const admin = api(h.app, platformKey);
    const first = await admin.post('/v1/tenants/small-co/subscriptions', spec('one'));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await admin.post('/v1/tenants/small-co/subscriptions', spec('two'))).status, 201);
    const refused = await admin.post('/v1/tenants/small-co/subscriptions', spec('three'));
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.headers['content-type']!, /^application\/problem\+json/);
    assert.match(refused.body.detail, /limit of 2 subscriptions \(limits\.subscriptions\)/);
    assert.equal(refused.body.errors[0].field, 'limits.subscriptions');
    // the default tenant has no limit of its own
    assert.equal((await admin.post('/v1/subscriptions', spec('default one'))).status, 201);

    assert.equal((await admin.delete(`/v1/tenants/small-co/subscriptions/${first.body.id}`)).status, 204);
    assert.equal((await admin.post('/v1/tenants/small-co/subscriptions', spec('three'))).status, 201);
  });

  test('concurrent creations on two gateways never pass the limit', async () => {
    await tenant('race-co', { subscriptions: 3 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api(i % 2 ? second : h.app, platformKey).post('/v1/tenants/race-co/subscriptions', spec(`race ${i}`))),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 201, 201, 409, 409, 409, 409, 409]);
    const { rows } = await h.db.pool.query(`SELECT count(*)::int AS n FROM subscriptions WHERE tenant_id = 'race-co' AND deleted_at IS NULL`);
    assert.equal(rows[0].n, 3);
  });
});
