// API keys over the API: GET /v1/keys lists them without any secret, POST /v1/keys/:id/revoke revokes one
// for good; a revoked bootstrap key stays revoked when the gateway starts again with it configured.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { hashApiKey } from '../../src/infra/crypto/secretBox';
import { startGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { authApp } from './authApps';
import { as } from './harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { sharedTemporalAddress, TEST_SECRET_KEY } from '../support/temporal';

const BOOTSTRAP_ADMIN = 'hrk_admin_bootstrap-key-for-the-keys-test-0123456789';
const BOOTSTRAP_PRODUCER = 'hrk_prod_bootstrap-key-for-the-keys-test-0123456789';

describe('API keys: list and revoke', () => {
  let db: TestDatabase;
  let address: string;

  before(async () => {
    db = await createTestDatabase();
    address = await sharedTemporalAddress();
  });
  after(() => db?.drop());

  /** The real gateway start (migrate, bootstrap keys, listen), as `hrhooks gateway` / `npm start` run it. */
  async function startWithBootstrapKeys() {
    const config = loadConfig({
      DATABASE_URL: db.url, TEMPORAL_ADDRESS: address, PORT: '0', HRHOOKS_SECRET_KEY: TEST_SECRET_KEY,
      HRHOOKS_ADMIN_KEY: BOOTSTRAP_ADMIN, HRHOOKS_PRODUCER_KEY: BOOTSTRAP_PRODUCER, TEMPORAL_TASK_QUEUE: 'keys-test',
    });
    return startGateway(config, createLogger('silent'));
  }

  test('a bootstrap key revoked with the API stays revoked and refused when the gateway starts again', async () => {
    let gateway = await startWithBootstrapKeys();
    try {
      const ok = await fetch(`${gateway.url}/v1/keys`, { headers: as(BOOTSTRAP_ADMIN) });
      assert.equal(ok.status, 200);
      const { items } = (await ok.json()) as { items: { id: string; name: string }[] };
      const producer = items.find((k) => k.name === 'bootstrap-producer')!;
      const revoked = await fetch(`${gateway.url}/v1/keys/${producer.id}/revoke`, { method: 'POST', headers: as(BOOTSTRAP_ADMIN) });
      assert.equal(revoked.status, 200, await revoked.clone().text());
      assert.ok(((await revoked.json()) as { revokedAt: string | null }).revokedAt);
      assert.equal((await fetch(`${gateway.url}/v1/events`, { method: 'POST', headers: as(BOOTSTRAP_PRODUCER) })).status, 401);
    } finally {
      await gateway.stop();
    }
    gateway = await startWithBootstrapKeys();
    try {
      const producer = await fetch(`${gateway.url}/v1/events`, { method: 'POST', headers: as(BOOTSTRAP_PRODUCER) });
      assert.equal(producer.status, 401, 'the revoked bootstrap producer key is still refused');
      assert.match(producer.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal((await fetch(`${gateway.url}/v1/keys`, { headers: as(BOOTSTRAP_ADMIN) })).status, 200, 'the admin key was not revoked');
    } finally {
      await gateway.stop();
    }
  });

  test('a bootstrap key revoked in the database (as before there was a command) is not brought back by a start', async () => {
    await (await startWithBootstrapKeys()).stop();
    await db.pool.query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashApiKey(BOOTSTRAP_ADMIN)]);
    const gateway = await startWithBootstrapKeys();
    try {
      const res = await fetch(`${gateway.url}/v1/subscriptions`, { headers: as(BOOTSTRAP_ADMIN) });
      assert.equal(res.status, 401, 'the revoked bootstrap admin key is still refused');
      const { rows } = await db.pool.query('SELECT revoked_at FROM api_keys WHERE key_hash = $1', [hashApiKey(BOOTSTRAP_ADMIN)]);
      assert.ok(rows[0].revoked_at, 'still revoked in the database');
      assert.ok(gateway.revokedBootstrapKeys.includes('bootstrap-admin'), 'the start knows (and `hrhooks start` prints it revoked, not as a key to use)');
    } finally {
      await gateway.stop();
    }
  });

  test('GET /v1/keys: id, name, scope, prefix, fingerprint, dates; never a key or its hash', async () => {
    const app = authApp(db.pool);
    const admin = await createApiKey(db.pool, 'admin', 'ops admin', 'default');
    const producer = await createApiKey(db.pool, 'producer', 'payroll producer', 'default');
    const res = await request(app).get('/v1/keys').set(as(admin.key));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const listed = res.body.items.find((k: { id: string }) => k.id === producer.id);
    assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'fingerprint', 'id', 'name', 'prefix', 'revokedAt', 'revokedBy', 'scope', 'tenantId']);
    assert.equal(listed.scope, 'producer');
    assert.equal(listed.revokedAt, null);
    assert.ok(producer.key.startsWith(listed.prefix) && listed.prefix.length <= 12 && listed.prefix.length <= producer.key.length / 4);
    assert.equal(listed.fingerprint, `sha256:${hashApiKey(producer.key).slice(0, 16)}`);
    for (const key of [admin.key, producer.key]) {
      assert.ok(!res.text.includes(key), 'no key in the answer');
      assert.ok(!res.text.includes(hashApiKey(key)), 'no full hash in the answer');
    }
    assert.equal((await request(app).get('/v1/keys').set(as(producer.key))).status, 403, 'admin scope only');
  });

  test('POST /v1/keys/:id/revoke: the key is refused at once; again is a no-op; unknown ids 404', async () => {
    const app = authApp(db.pool);
    const admin = await createApiKey(db.pool, 'admin', 'revoker', 'default');
    const victim = await createApiKey(db.pool, 'producer', 'leaked producer', 'default');
    const first = await request(app).post(`/v1/keys/${victim.id}/revoke`).set(as(admin.key));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.revokedBy, 'revoker');
    assert.ok(!first.text.includes(victim.key));
    const refused = await request(app).post('/v1/events').set(as(victim.key)).send({});
    assert.equal(refused.status, 401);
    assert.match(refused.headers['content-type'], /application\/problem\+json/);
    const again = await request(app).post(`/v1/keys/${victim.id}/revoke`).set(as(admin.key));
    assert.equal(again.status, 200);
    assert.equal(again.body.revokedAt, first.body.revokedAt, 'revoking twice keeps the first revocation');
    for (const id of ['key_nope', 'nope', 'key_%00']) {
      const missing = await request(app).post(`/v1/keys/${id}/revoke`).set(as(admin.key));
      assert.equal(missing.status, 404, `${id}: ${missing.text}`);
      assert.match(missing.headers['content-type'], /application\/problem\+json/);
    }
  });
});
