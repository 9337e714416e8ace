// Failed authentications are limited per client address, shared by every gateway on the database: past
// HRHOOKS_AUTH_FAILURE_LIMIT failures in a window the address gets 429 + Retry-After (problem+json on /v1, the
// sign-in page at /login for a browser, problem+json for a client that takes no HTML), even with a correct key, on any gateway; other addresses and good keys are untouched.
// The address is the proxy-aware req.ip: X-Forwarded-For counts only from a trusted proxy (HRHOOKS_TRUST_PROXY).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createPool } from '../../src/infra/db/pool';
import { authApp, signIn } from './authApps';
import { as } from './harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const LIMIT = 5;
const BEHIND_PROXY = { HRHOOKS_TRUST_PROXY: 'loopback', HRHOOKS_AUTH_FAILURE_LIMIT: String(LIMIT), HRHOOKS_AUTH_FAILURE_WINDOW: '10m' };
const from = (address: string) => ({ 'x-forwarded-for': address });

function assertThrottled(res: request.Response, json = true): void {
  assert.equal(res.status, 429, res.text);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 600, `Retry-After ${res.headers['retry-after']}`);
  if (json) {
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.status ?? JSON.parse(res.text).status, 429);
    assert.match(JSON.parse(res.text).detail, /too many failed authentications/);
  }
}

describe('throttling failed authentications per address', () => {
  let db: TestDatabase;
  let secondPool: ReturnType<typeof createPool>;
  let adminKey: string;
  let producerKey: string;

  before(async () => {
    db = await createTestDatabase();
    secondPool = createPool(db.url, 2);
    adminKey = (await createApiKey(db.pool, 'admin', 'admin', 'default')).key;
    producerKey = (await createApiKey(db.pool, 'producer', 'producer', 'default')).key;
  });
  after(async () => {
    await secondPool?.end();
    await db?.drop();
  });

  test('N bad keys → 429 with Retry-After, on this gateway and another; other addresses and good keys unaffected', async () => {
    const gatewayA = authApp(db.pool, BEHIND_PROXY);
    const gatewayB = authApp(secondPool, BEHIND_PROXY);
    const attacker = from('203.0.113.7');
    for (let i = 0; i < LIMIT; i++) {
      const res = await request(gatewayA).get('/v1/subscriptions').set(attacker).set(as(`hrk_guess_${i}`));
      assert.equal(res.status, 401, `guess ${i + 1}`);
    }
    assertThrottled(await request(gatewayA).get('/v1/subscriptions').set(attacker).set(as('hrk_guess_next')));
    assertThrottled(await request(gatewayB).get('/v1/subscriptions').set(attacker).set(as('hrk_guess_elsewhere')));
    assertThrottled(await request(gatewayB).get('/v1/subscriptions').set(attacker).set(as(adminKey)));

    const neighbour = await request(gatewayB).get('/v1/subscriptions').set(from('203.0.113.8')).set(as(adminKey));
    assert.equal(neighbour.status, 200, 'a correct key from another address works');
    const direct = await request(gatewayA).get('/v1/subscriptions').set(as(adminKey));
    assert.equal(direct.status, 200, 'the proxy itself (no X-Forwarded-For) is another address');
  });

  test('an IPv6 client counts as its /64', async () => {
    const gateway = authApp(db.pool, BEHIND_PROXY);
    for (let i = 0; i < LIMIT; i++) {
      await request(gateway).get('/v1/keys').set(from(`2001:db8:1:2::${i + 1}`)).set(as(`hrk_guess_${i}`)).expect(401);
    }
    assertThrottled(await request(gateway).get('/v1/keys').set(from('2001:db8:1:2:ffff::9')).set(as(adminKey)));
    await request(gateway).get('/v1/keys').set(from('2001:db8:1:3::1')).set(as(adminKey)).expect(200);
  });

  test('successful authentications are never counted nor slowed', async () => {
    const gateway = authApp(db.pool, BEHIND_PROXY);
    const busy = from('198.51.100.20');
    for (let i = 0; i < LIMIT * 4; i++) await request(gateway).get('/v1/subscriptions').set(busy).set(as(adminKey)).expect(200);
    await request(gateway).get('/v1/subscriptions').set(busy).set(as(producerKey)).expect(403);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM auth_failures WHERE address = '198.51.100.20'");
    assert.equal(rows[0].n, 0, 'good keys (even on a route they may not use) are not failures');
    await request(gateway).get('/v1/subscriptions').set(busy).expect(401);
    assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM auth_failures WHERE address = '198.51.100.20'")).rows[0].n, 0,
      'no key at all is not a guess');
  });

  test('failed sign-ins at /login share the count: 429 with Retry-After on the sign-in page', async () => {
    const gatewayA = authApp(db.pool, BEHIND_PROXY);
    const gatewayB = authApp(secondPool, BEHIND_PROXY);
    const attacker = from('192.0.2.33');
    for (let i = 0; i < LIMIT - 1; i++) assert.equal((await signIn(gatewayA, `hrk_login_guess_${i}`, attacker)).status, 401);
    await request(gatewayB).get('/v1/keys').set(attacker).set(as('hrk_api_guess')).expect(401);
    const refused = await signIn(gatewayB, adminKey, attacker);
    assertThrottled(refused, false);
    assert.match(refused.headers['content-type'], /text\/html/);
    assert.match(refused.text, /Too many failed sign-ins/);
    assert.equal(refused.headers['set-cookie'], undefined, 'no session for a throttled address');
    assertThrottled(await request(gatewayA).get('/v1/keys').set(attacker).set(as(adminKey)));
    assertThrottled(await signIn(gatewayA, adminKey, { ...attacker, accept: 'application/problem+json' }));
    assert.equal((await signIn(gatewayA, adminKey, from('192.0.2.34'))).status, 303, 'another address signs in');
  });

  test('without HRHOOKS_TRUST_PROXY, X-Forwarded-For is ignored: a client cannot pick a fresh address per guess', async () => {
    const direct = authApp(db.pool, { HRHOOKS_AUTH_FAILURE_LIMIT: String(LIMIT), HRHOOKS_AUTH_FAILURE_WINDOW: '10m' });
    for (let i = 0; i < LIMIT; i++) {
      await request(direct).get('/v1/keys').set(from(`100.64.0.${i + 1}`)).set(as(`hrk_spoof_${i}`)).expect(401);
    }
    assertThrottled(await request(direct).get('/v1/keys').set(from('100.64.0.99')).set(as(adminKey)));
    await db.pool.query('DELETE FROM auth_failures');
  });
});
