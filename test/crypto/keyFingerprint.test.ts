// One secret key per installation: the fingerprint is recorded at first use, and the worker, the gateway
// and the CLI refuse a different key with one line naming HRHOOKS_SECRET_KEY / HRHOOKS_DATA_DIR; no key
// is generated while the database holds secrets or a fingerprint.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/interfaces/cli/main';
import type { CliIo } from '../../src/interfaces/cli/context';
import { loadConfig } from '../../src/infra/config';
import { checkSecretKey, SecretKeyMismatchError } from '../../src/app/secrets/keyFingerprint';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { startGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnWorker } from '../support/processes';
import { insertSealedSubscription } from '../support/sealedSubscriptions';

const KEY = 'installation-key-for-fingerprint-tests';
const WRONG = 'some-other-key-from-another-folder';
const FIX = /HRHOOKS_SECRET_KEY.*HRHOOKS_DATA_DIR/;

const freshDir = () => fs.mkdtempSync(path.join(process.env.HRHOOKS_TEST_SCRATCH ?? os.tmpdir(), 'hrhooks-key-'));
const keyConfig = (env: Record<string, string>) => loadConfig({ HRHOOKS_DATA_DIR: freshDir(), ...env });

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readFile: (p) => fs.readFileSync(p),
    readStdin: () => '',
    env,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function assertOneLineRefusal(message: string): void {
  assert.equal(message.trim().split('\n').length, 1, message);
  assert.match(message, FIX);
  assert.ok(!message.includes(KEY) && !message.includes(WRONG), 'the key itself never appears');
}

describe('secret key fingerprint', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('first use records the fingerprint; the same key is accepted, another is refused', async () => {
    const box = await checkSecretKey(db.pool, keyConfig({ HRHOOKS_SECRET_KEY: KEY }));
    const { rows } = await db.pool.query('SELECT fingerprint, key_id, retired_at FROM secret_key_fingerprints');
    assert.deepEqual(rows.map((r) => [r.fingerprint, r.key_id, r.retired_at]), [[box.fingerprint, box.keyId, null]]);
    assert.ok(!JSON.stringify(rows).includes(KEY));
    assert.equal((await checkSecretKey(db.pool, keyConfig({ HRHOOKS_SECRET_KEY: KEY }))).keyId, box.keyId);
    await assert.rejects(checkSecretKey(db.pool, keyConfig({ HRHOOKS_SECRET_KEY: WRONG })), (err: Error) => {
      assert.ok(err instanceof SecretKeyMismatchError);
      assert.match(err.message, new RegExp(`^HRHOOKS_SECRET_KEY \\(key id ${createSecretBox(WRONG).keyId}\\) is not this installation's secret key \\(key id ${box.keyId}\\)`));
      assertOneLineRefusal(err.message);
      return true;
    });
  });

  test('a fresh data dir without HRHOOKS_SECRET_KEY does not generate a key once a fingerprint exists', async () => {
    const dir = freshDir();
    await assert.rejects(checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir })), (err: Error) => {
      assert.match(err.message, /HRHOOKS_SECRET_KEY is not set and .*secret\.key does not exist/);
      assert.match(err.message, /no new key was generated/);
      assertOneLineRefusal(err.message);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('the key in a data dir is named by its file when it does not match', async () => {
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, 'secret.key'), `${WRONG}\n`);
    await assert.rejects(checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir })), (err: Error) => {
      assert.match(err.message, /^the key in .*secret\.key \(HRHOOKS_SECRET_KEY is not set\) \(key id [0-9a-f]{8}\) is not this installation's/);
      assertOneLineRefusal(err.message);
      return true;
    });
  });

  test('worker process with the wrong key exits naming the variable', async () => {
    const child = spawnWorker({
      databaseUrl: db.url, temporalAddress: '127.0.0.1:1', taskQueue: 'never-polled',
      env: { HRHOOKS_SECRET_KEY: WRONG, HRHOOKS_DATA_DIR: freshDir() }, readyTimeoutMs: 30_000,
    });
    await assert.rejects(child.ready, /is not this installation's secret key .*HRHOOKS_SECRET_KEY.*HRHOOKS_DATA_DIR/);
    assert.equal((await child.exited).code, 1);
  });

  test('gateway with the wrong key refuses before listening', async () => {
    const config = loadConfig({
      DATABASE_URL: db.url, TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '0', HRHOOKS_SECRET_KEY: WRONG, HRHOOKS_DATA_DIR: freshDir(),
    });
    await assert.rejects(startGateway(config, createLogger('silent')), (err: Error) => {
      assert.ok(err instanceof SecretKeyMismatchError);
      assertOneLineRefusal(err.message);
      return true;
    });
  });

  test('CLI commands that touch secrets refuse the wrong key with one line; a missing key generates nothing', async () => {
    const base = { DATABASE_URL: db.url, PATH: process.env.PATH };
    const wrong = await cli(['subscriptions', 'list'], { ...base, HRHOOKS_SECRET_KEY: WRONG, HRHOOKS_DATA_DIR: freshDir() });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^hrhooks subscriptions: HRHOOKS_SECRET_KEY \(key id [0-9a-f]{8}\) is not this installation's secret key/);
    assertOneLineRefusal(wrong.stderr);

    const dir = freshDir();
    // (`subscriptions create` goes through the gateway, which holds the key: `list` is the CLI command that opens secrets.)
    const missing = await cli(['subscriptions', 'list'], { ...base, HRHOOKS_DATA_DIR: dir });
    assert.equal(missing.code, 1);
    assertOneLineRefusal(missing.stderr);
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM subscriptions')).rows[0].n, 0);

    const right = await cli(['subscriptions', 'list'], { ...base, HRHOOKS_SECRET_KEY: KEY });
    assert.equal(right.code, 0, right.stderr);
  });
});

describe('secret key on a database without a fingerprint', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('a database already holding secrets: no key is generated, a key that cannot open them is refused, the right one adopted', async () => {
    const owner = createSecretBox(KEY);
    await insertSealedSubscription(db.pool, owner);
    const dir = freshDir();
    await assert.rejects(checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir })), (err: Error) => {
      assert.match(err.message, /already holds encrypted secrets; no new key was generated/);
      assertOneLineRefusal(err.message);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), []);
    await assert.rejects(checkSecretKey(db.pool, keyConfig({ HRHOOKS_SECRET_KEY: WRONG })), /cannot decrypt the secrets already in this database.*HRHOOKS_DATA_DIR/);
    assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM secret_key_fingerprints')).rows[0].n, 0);
    const box = await checkSecretKey(db.pool, keyConfig({ HRHOOKS_SECRET_KEY: KEY }));
    assert.deepEqual((await db.pool.query('SELECT key_id FROM secret_key_fingerprints')).rows, [{ key_id: box.keyId }]);
  });
});

describe('secret key on an empty database', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('generates secret.key once; another data dir is then refused and generates nothing', async () => {
    const dir = freshDir();
    const box = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir }));
    const file = path.join(dir, 'secret.key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(createSecretBox(fs.readFileSync(file, 'utf8').trim()).keyId, box.keyId);
    assert.equal((await checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir }))).keyId, box.keyId);
    const other = freshDir();
    await assert.rejects(checkSecretKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: other })), new RegExp(`sealed under key id ${box.keyId}; no new key was generated`));
    assert.deepEqual(fs.readdirSync(other), []);
  });
});
