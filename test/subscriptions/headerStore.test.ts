// Issue 20 item 9 at rest, on real Postgres: extra headers stored in clear before migration 008 are sealed by
// the first process holding the key (and their copies in the attempt log redacted by the migration), and a
// secret key rotation re-seals them with the other sealed values.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, type Pool } from 'pg';
import { loadConfig } from '../../src/infra/config';
import { checkSecretKey } from '../../src/app/secrets/keyFingerprint';
import { rotateSecretKey } from '../../src/app/secrets/rotateSecretKey';
import { createSecretBox, SecretDecryptError } from '../../src/infra/crypto/secretBox';
import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { getSubscription } from '../../src/infra/db/subscriptions';
import { PACKAGE_ROOT } from '../../src/infra/packageRoot';
import { openHeaders, openSendableHeaders } from '../../src/infra/crypto/headerStore';
import { clusterUrl, createTestDatabase, type TestDatabase } from '../support/postgres';

const OLD = 'header-store-test-old-key-0001';
const NEW = 'header-store-test-new-key-0002';
const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-hdr-'));
const CLEAR = { 'x-functions-key': 'fk-legacy-value-1234', 'X-Tenant': 'acme-legacy' };

/** A database migrated only up to (not including) migration `upTo`. */
async function databaseBefore(upTo: string): Promise<{ pool: Pool; drop(): Promise<void> }> {
  const base = await clusterUrl();
  const name = `hrhooks_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const pool = createPool(u.toString(), 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-mig-'));
  for (const f of fs.readdirSync(path.join(PACKAGE_ROOT, 'migrations')).filter((f) => f < upTo)) {
    fs.copyFileSync(path.join(PACKAGE_ROOT, 'migrations', f), path.join(dir, f));
  }
  await migrate(pool, dir);
  return {
    pool,
    async drop() {
      await pool.end();
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe('extra headers at rest', () => {
  test('a stored value that can never be sent fails the attempt naming the header, never showing the value', () => {
    const box = createSecretBox(OLD);
    assert.deepEqual(openSendableHeaders(box, box.seal(JSON.stringify({ 'X-Ok': 'v' }))), { 'X-Ok': 'v' });
    for (const legacy of [{ 'X-Key': 'secret\u000bvalue' }, { Expect: 'zq-expect-value' }]) {
      assert.throws(() => openSendableHeaders(box, box.seal(JSON.stringify(legacy))), (err: Error) => {
        assert.match(err.message, new RegExp(`^extra header "${Object.keys(legacy)[0]}": .*PATCH the subscription's headers`));
        assert.doesNotMatch(err.message, /secret|zq-expect-value/);
        return true;
      });
    }
  });

  test('rows from before migration 008: the migration redacts the attempt log, the first start seals the clear values', async () => {
    const db = await databaseBefore('008_');
    try {
      await db.pool.query(
        `INSERT INTO subscriptions (id, name, url, format, events, headers) VALUES ('sub_legacy', 'legacy', 'https://r.example/h', 'standard', '"*"', $1)`,
        [JSON.stringify(CLEAR)],
      );
      await db.pool.query(`INSERT INTO events (id, type, occurred_at, body, body_hash) VALUES ('e1', 'employee.created', now(), '{}', 'h')`);
      await db.pool.query(
        `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status) VALUES ('dlv_sub_legacy_x', 'e1', 'sub_legacy', 'employee.created', 'standard', 'delivered')`,
      );
      await db.pool.query(
        `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, outcome)
         VALUES ('dlv_sub_legacy_x', 1, now(), 5, 'https://r.example/h', $1, '{}', 'success')`,
        [JSON.stringify({ 'content-type': 'application/json', 'x-functions-key': CLEAR['x-functions-key'], 'x-tenant': CLEAR['X-Tenant'] })],
      );

      await migrate(db.pool);
      const logged = (await db.pool.query('SELECT request_headers FROM attempts')).rows[0].request_headers;
      assert.deepEqual(logged, { 'content-type': 'application/json', 'x-functions-key': '[redacted]', 'x-tenant': '[redacted]' });

      const box = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_DATA_DIR: dataDir() }));
      const row = (await db.pool.query(`SELECT * FROM subscriptions WHERE id = 'sub_legacy'`)).rows[0];
      assert.deepEqual(row.headers, {}, 'no clear copy left');
      assert.doesNotMatch(JSON.stringify(row), /fk-legacy|acme-legacy/);
      assert.deepEqual(openHeaders(box, row.headers_enc), CLEAR);
      assert.deepEqual((await getSubscription(db.pool, box, 'sub_legacy'))!.headers, { 'x-functions-key': '[set]', 'X-Tenant': '[set]' });
    } finally {
      await db.drop();
    }
  });

  describe('secret key rotation', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase();
    });
    after(() => db.drop());

    test('re-seals the extra headers under the new key', async () => {
      const old = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_DATA_DIR: dataDir() }));
      await db.pool.query(
        `INSERT INTO subscriptions (id, name, url, format, events, headers_enc) VALUES ('sub_h', 'h', 'https://r.example/h', 'aspnet', '"*"', $1)`,
        [old.seal(JSON.stringify(CLEAR))],
      );
      const box = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: NEW, HRHOOKS_SECRET_KEY_PREVIOUS: OLD, HRHOOKS_DATA_DIR: dataDir() }));
      const result = await rotateSecretKey(db.pool, box);
      assert.equal(result.values, 1);
      const sealed = (await db.pool.query(`SELECT headers_enc FROM subscriptions WHERE id = 'sub_h'`)).rows[0].headers_enc;
      assert.deepEqual(openHeaders(createSecretBox(NEW), sealed), CLEAR);
      assert.throws(() => openHeaders(createSecretBox(OLD), sealed), SecretDecryptError);
    });
  });
});
