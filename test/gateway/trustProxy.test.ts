// HRHOOKS_TRUST_PROXY: behind a TLS-terminating proxy the session cookie is Secure (X-Forwarded-Proto: https
// from a trusted proxy), and the sign-in form's origin check accepts the host the proxy forwards. Without the
// setting those headers are a client's word and are ignored. Also how the variable is parsed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { authApp, sessionCookieOf, signIn } from './authApps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const HTTPS = { 'x-forwarded-proto': 'https' };

describe('HRHOOKS_TRUST_PROXY', () => {
  let db: TestDatabase;
  let adminKey: string;

  before(async () => {
    db = await createTestDatabase();
    adminKey = (await createApiKey(db.pool, 'admin', 'admin', 'default')).key;
  });
  after(() => db?.drop());

  test('X-Forwarded-Proto: https from a trusted proxy → the session cookie is Secure', async () => {
    for (const setting of ['loopback', '1', '127.0.0.1,::1', '127.0.0.0/8', 'true']) {
      const res = await signIn(authApp(db.pool, { HRHOOKS_TRUST_PROXY: setting }), adminKey, HTTPS);
      assert.equal(res.status, 303, `${setting}: ${res.text}`);
      assert.match(sessionCookieOf(res)!.line, /; Secure/, `HRHOOKS_TRUST_PROXY=${setting}`);
    }
  });

  test('without the setting, or from a proxy it does not name, X-Forwarded-Proto is ignored: no Secure over plain http', async () => {
    const envs: Record<string, string>[] = [{}, { HRHOOKS_TRUST_PROXY: 'false' }, { HRHOOKS_TRUST_PROXY: '10.0.0.0/8' }];
    for (const env of envs) {
      const app = authApp(db.pool, env);
      const proxied = await signIn(app, adminKey, HTTPS);
      assert.equal(proxied.status, 303, proxied.text);
      assert.doesNotMatch(sessionCookieOf(proxied)!.line, /Secure/, JSON.stringify(env));
      assert.doesNotMatch(sessionCookieOf(await signIn(app, adminKey))!.line, /Secure/);
    }
  });

  test('the origin check accepts the host a trusted proxy forwards, and only from a trusted proxy', async () => {
    const headers = { ...HTTPS, 'x-forwarded-host': 'hr.example.com', origin: 'https://hr.example.com' };
    const trusted = await signIn(authApp(db.pool, { HRHOOKS_TRUST_PROXY: 'loopback' }), adminKey, headers);
    assert.equal(trusted.status, 303, trusted.text);
    const untrusted = await signIn(authApp(db.pool), adminKey, headers);
    assert.equal(untrusted.status, 403, 'without the setting the forwarded host is not ours');
  });

  test('parsing: hop count, true/false, addresses, CIDRs and range names; anything else names the variable', () => {
    assert.equal(loadConfig({}).HRHOOKS_TRUST_PROXY, false);
    assert.equal(loadConfig({ HRHOOKS_TRUST_PROXY: 'false' }).HRHOOKS_TRUST_PROXY, false);
    assert.equal(loadConfig({ HRHOOKS_TRUST_PROXY: 'TRUE' }).HRHOOKS_TRUST_PROXY, true);
    assert.equal(loadConfig({ HRHOOKS_TRUST_PROXY: '2' }).HRHOOKS_TRUST_PROXY, 2);
    assert.deepEqual(loadConfig({ HRHOOKS_TRUST_PROXY: 'loopback, 10.0.0.5,fd00::/8' }).HRHOOKS_TRUST_PROXY, ['loopback', '10.0.0.5', 'fd00::/8']);
    for (const bad of ['proxy.example.com', '10.0.0.0/99', 'yes']) {
      assert.throws(() => loadConfig({ HRHOOKS_TRUST_PROXY: bad }), (err: Error) =>
        err instanceof ConfigError && /HRHOOKS_TRUST_PROXY/.test(err.message) && err.message.includes(bad.split(',')[0]!));
    }
  });
});
