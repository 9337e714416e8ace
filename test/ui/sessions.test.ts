// Web-interface sessions live in Postgres: a session opened on one gateway works on another on the same
// database, and signing out on one is refused by every gateway, including one started afterwards (a restart).
// The other gateway is a real process (`bin/hrhooks gateway`): nothing in memory is shared with this one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createPool } from '../../src/infra/db/pool';
import { SESSION_COOKIE } from '../../src/interfaces/web/session';
import { authApp, csrfOf, isSignedIn, sessionCookieOf, signIn, spawnGateway } from '../gateway/authApps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { sharedTemporalAddress } from '../support/temporal';

describe('web-interface sessions in Postgres', () => {
  let db: TestDatabase;
  let secondPool: ReturnType<typeof createPool>;
  let adminKey: string;

  before(async () => {
    db = await createTestDatabase();
    secondPool = createPool(db.url, 2);
    adminKey = (await createApiKey(db.pool, 'admin', 'Alice (payroll admin)', 'default')).key;
  });
  after(async () => {
    await secondPool?.end();
    await db?.drop();
  });

  test('signed out on one gateway: refused there, by another gateway process, and after that process restarts', async () => {
    const temporalAddress = await sharedTemporalAddress();
    const gatewayA = authApp(db.pool);
    const sameProcessB = authApp(secondPool);
    let processB = await spawnGateway(db.url, temporalAddress);
    try {
      const signedIn = await signIn(gatewayA, adminKey);
      assert.equal(signedIn.status, 303, signedIn.text);
      const cookie = sessionCookieOf(signedIn)!.value;
      assert.equal(await isSignedIn(processB.url, cookie), true, 'the other gateway knows the session');

      const out = await request(gatewayA).post('/logout').set('cookie', `${SESSION_COOKIE}=${cookie}`).type('form').send({ _csrf: csrfOf(cookie) });
      assert.equal(out.status, 303, out.text);
      assert.equal(out.headers.location, '/login');
      assert.equal(await isSignedIn(gatewayA, cookie), false, 'refused where it signed out');
      assert.equal(await isSignedIn(sameProcessB, cookie), false, 'refused by another app on its own pool');
      assert.equal(await isSignedIn(processB.url, cookie), false, 'refused by the other gateway process');
      const action = await request(processB.url).post('/logout').set('cookie', `${SESSION_COOKIE}=${cookie}`).type('form').send({ _csrf: csrfOf(cookie) });
      assert.equal(action.status, 401, 'no action runs on a signed-out session');

      const onB = sessionCookieOf(await signIn(processB.url, adminKey))!.value;
      assert.equal(await isSignedIn(gatewayA, onB), true);
      const outOnB = await request(processB.url).post('/logout').set('cookie', `${SESSION_COOKIE}=${onB}`).type('form').send({ _csrf: csrfOf(onB) });
      assert.equal(outOnB.status, 303, outOnB.text);
      await processB.stop();
      processB = await spawnGateway(db.url, temporalAddress);
      assert.equal(await isSignedIn(processB.url, onB), false, 'refused by the restarted gateway');
      assert.equal(await isSignedIn(gatewayA, onB), false, 'and by this one, which never saw the sign-out');
    } finally {
      await processB.stop();
    }
  });

  test('signing out ends only that session; a revoked key ends all of its sessions', async () => {
    const gateway = authApp(db.pool);
    const first = sessionCookieOf(await signIn(gateway, adminKey))!.value;
    const second = sessionCookieOf(await signIn(gateway, adminKey))!.value;
    await request(gateway).post('/logout').set('cookie', `${SESSION_COOKIE}=${first}`).type('form').send({ _csrf: csrfOf(first) });
    assert.equal(await isSignedIn(gateway, first), false);
    assert.equal(await isSignedIn(gateway, second), true, 'the other session of the same key stays');
    const other = await createApiKey(db.pool, 'admin', 'ops', 'default');
    const third = sessionCookieOf(await signIn(gateway, other.key))!.value;
    const revoked = await request(gateway).post(`/v1/keys/${other.id}/revoke`).set('authorization', `Bearer ${adminKey}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(await isSignedIn(gateway, third), false, 'the revoked key signs nobody in');
    assert.equal(await isSignedIn(gateway, second), true);
  });

  test('cookies are read as browsers send them: percent-encoded, among other cookies', async () => {
    const gateway = authApp(db.pool);
    const cookie = sessionCookieOf(await signIn(gateway, adminKey))!.value;
    const percentEncoded = [...cookie].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const signedIn = async (header: string) => (await request(gateway).get('/login').set('cookie', header)).status === 302;
    assert.equal(await signedIn(`${SESSION_COOKIE}=${percentEncoded}`), true, 'a percent-encoded value is decoded');
    assert.equal(await signedIn(`theme=dark; ${SESSION_COOKIE}=${cookie}; lang=fr`), true, 'among other cookies');
  });

  test('a genuine cookie with no session row (e.g. sealed before sessions were stored) is refused', async () => {
    const gateway = authApp(db.pool);
    const cookie = sessionCookieOf(await signIn(gateway, adminKey))!.value;
    await db.pool.query('DELETE FROM ui_sessions');
    assert.equal(await isSignedIn(gateway, cookie), false);
  });
});
