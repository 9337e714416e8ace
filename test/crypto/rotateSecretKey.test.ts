// Secret key rotation: with HRHOOKS_SECRET_KEY = new and HRHOOKS_SECRET_KEY_PREVIOUS = old, processes start
// and read old secrets; `hrhooks keys rotate-secret-key` re-seals every secret under the new key in one
// transaction; afterwards the new key alone reads everything and the old key is refused at start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliIo } from '../../src/interfaces/cli/context';
import { main } from '../../src/interfaces/cli/main';
import { loadConfig } from '../../src/infra/config';
import { checkSecretKey } from '../../src/app/secrets/keyFingerprint';
import { rotateSecretKey } from '../../src/app/secrets/rotateSecretKey';
import { createSecretBox, SecretDecryptError, type SecretBox } from '../../src/infra/crypto/secretBox';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { insertSealedSubscription, sealedValues, type SealedFixture } from '../support/sealedSubscriptions';

const OLD = 'rotation-test-old-key-0001';
const NEW = 'rotation-test-new-key-0002';

const dataDir = () => fs.mkdtempSync(path.join(process.env.HRHOOKS_TEST_SCRATCH ?? os.tmpdir(), 'hrhooks-rot-'));

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readFile: (p) => fs.readFileSync(p), readStdin: () => '', env };
  return { code: await main(args, io), stdout, stderr };
}

function openAll(box: SecretBox, values: { authorization: string | null; secrets: string | null }) {
  return {
    authorization: values.authorization === null ? null : box.open(values.authorization),
    secret: (JSON.parse(box.open(values.secrets!)) as { secret: string }[])[0]!.secret,
  };
}

describe('secret key rotation', () => {
  let db: TestDatabase;
  let subs: SealedFixture[];
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, DATABASE_URL: db.url, HRHOOKS_DATA_DIR: dataDir(), ...vars });

  before(async () => {
    db = await createTestDatabase();
    const old = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_DATA_DIR: dataDir() }));
    subs = [
      await insertSealedSubscription(db.pool, old),
      await insertSealedSubscription(db.pool, old, { authorization: null }),
      await insertSealedSubscription(db.pool, old, { deleted: true }),
    ];
  });
  after(() => db.drop());

  test('before rotation: the new key with the previous one starts and reads the old secrets', async () => {
    const box = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: NEW, HRHOOKS_SECRET_KEY_PREVIOUS: OLD, HRHOOKS_DATA_DIR: dataDir() }));
    for (const sub of subs) assert.deepEqual(openAll(box, await sealedValues(db.pool, sub.id)), { authorization: sub.authorization, secret: sub.secret });
    const listed = await cli(['subscriptions', 'list', '--json'], env({ HRHOOKS_SECRET_KEY: NEW, HRHOOKS_SECRET_KEY_PREVIOUS: OLD }));
    assert.equal(listed.code, 0, listed.stderr);
    // the new key alone is not the installation's yet
    const alone = await cli(['subscriptions', 'list'], env({ HRHOOKS_SECRET_KEY: NEW }));
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /is not this installation's secret key.*HRHOOKS_SECRET_KEY/);
  });

  test('one unreadable secret: rotation changes nothing and names the subscription', async () => {
    const stray = await insertSealedSubscription(db.pool, createSecretBox('a-stray-key-from-elsewhere'));
    const before = await db.pool.query('SELECT id, authorization_enc, secrets_enc FROM subscriptions ORDER BY id');
    const box = createSecretBox(NEW, OLD);
    await assert.rejects(rotateSecretKey(db.pool, box), new RegExp(`nothing was changed: 1 subscription secret\\(s\\) cannot be decrypted.*${stray.id}`));
    assert.deepEqual((await db.pool.query('SELECT id, authorization_enc, secrets_enc FROM subscriptions ORDER BY id')).rows, before.rows);
    assert.equal((await db.pool.query('SELECT key_id FROM secret_key_fingerprints WHERE retired_at IS NULL')).rows[0].key_id, createSecretBox(OLD).keyId);
    await db.pool.query('DELETE FROM subscriptions WHERE id = $1', [stray.id]);
  });

  test('keys rotate-secret-key re-encrypts every secret under the new key; the old key is then refused', async () => {
    const rotated = await cli(['keys', 'rotate-secret-key'], env({ HRHOOKS_SECRET_KEY: NEW, HRHOOKS_SECRET_KEY_PREVIOUS: OLD }));
    assert.equal(rotated.code, 0, rotated.stderr);
    const oldId = createSecretBox(OLD).keyId;
    const newId = createSecretBox(NEW).keyId;
    assert.match(rotated.stdout, new RegExp(`re-encrypted 5 secret\\(s\\) of 3 subscription\\(s\\) under key id ${newId}; key id ${oldId} is retired`));
    assert.ok(!rotated.stdout.includes(NEW) && !rotated.stdout.includes(OLD));

    const newOnly = createSecretBox(NEW);
    const oldOnly = createSecretBox(OLD);
    for (const sub of subs) {
      const values = await sealedValues(db.pool, sub.id);
      assert.deepEqual(openAll(newOnly, values), { authorization: sub.authorization, secret: sub.secret });
      assert.throws(() => oldOnly.open(values.secrets!), SecretDecryptError);
    }
    const { rows } = await db.pool.query('SELECT key_id, retired_at IS NOT NULL AS retired FROM secret_key_fingerprints ORDER BY created_at');
    assert.deepEqual(rows, [{ key_id: oldId, retired: true }, { key_id: newId, retired: false }]);

    await assert.rejects(
      checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_DATA_DIR: dataDir() })),
      new RegExp(`^SecretKeyMismatchError: HRHOOKS_SECRET_KEY \\(key id ${oldId}\\) was retired by a secret key rotation on .*the installation's key is key id ${newId}.*HRHOOKS_DATA_DIR`),
    );
    const refused = await cli(['subscriptions', 'list'], env({ HRHOOKS_SECRET_KEY: OLD }));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^hrhooks subscriptions: HRHOOKS_SECRET_KEY \(key id [0-9a-f]{8}\) was retired/);
    // with the old key given as current and the new one as previous, still refused
    await assert.rejects(
      checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_SECRET_KEY_PREVIOUS: NEW, HRHOOKS_DATA_DIR: dataDir() })),
      /was retired/,
    );
    const listed = await cli(['subscriptions', 'list', '--json'], env({ HRHOOKS_SECRET_KEY: NEW }));
    assert.equal(listed.code, 0, listed.stderr);
  });

  test('rotating again with the same key is harmless', async () => {
    const again = await cli(['keys', 'rotate-secret-key', '--json'], env({ HRHOOKS_SECRET_KEY: NEW }));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { keyId: createSecretBox(NEW).keyId, retiredKeyId: null, subscriptions: 3, values: 5 });
    for (const sub of subs) assert.equal(openAll(createSecretBox(NEW), await sealedValues(db.pool, sub.id)).secret, sub.secret);
  });
});
