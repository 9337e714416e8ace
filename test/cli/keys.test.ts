// `hrhooks keys list|revoke` as a child process (bin/hrhooks) on a real database: list shows ids, prefixes and
// fingerprints but never a key; revoke refuses the key from then on, on the API and for its UI sessions.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { hashApiKey } from '../../src/infra/crypto/secretBox';
import { authApp } from '../gateway/authApps';
import { as } from '../gateway/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('hrhooks keys list|revoke', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    db = await createTestDatabase();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-keys-')),
    };
  });
  after(() => db?.drop());

  test('list: a header and one row per key with prefix and fingerprint, never the key; --json too', async () => {
    const admin = await createApiKey(db.pool, 'admin', 'ops', 'default');
    const producer = await createApiKey(db.pool, 'producer', 'payroll', 'default');
    const human = await cli('keys', 'list');
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+SCOPE\s+TENANT\s+NAME\s+PREFIX\s+FINGERPRINT\s+CREATED\s+STATE$/);
    const row = lines.find((l) => l.startsWith(producer.id))!;
    assert.match(row, /producer\s+default\s+payroll/);
    assert.ok(row.includes(`sha256:${hashApiKey(producer.key).slice(0, 16)}`));
    assert.match(row, /active$/);
    const json = await cli('keys', 'list', '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).items.map((k: { id: string }) => k.id), [admin.id, producer.id]);
    for (const output of [human.stdout, json.stdout]) {
      for (const key of [admin.key, producer.key]) {
        assert.ok(!output.includes(key), 'no key printed');
        assert.ok(!output.includes(hashApiKey(key)), 'no full hash printed');
      }
    }
  });

  test('revoke: refused by the API from then on; listed as revoked; again is harmless; unknown id exits 1', async () => {
    const admin = await createApiKey(db.pool, 'admin', 'revoke-test admin', 'default');
    const app = authApp(db.pool);
    await request(app).get('/v1/keys').set(as(admin.key)).expect(200);
    const revoked = await cli('keys', 'revoke', admin.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`^revoked: admin key "revoke-test admin" \\(${admin.id}\\)`));
    await request(app).get('/v1/keys').set(as(admin.key)).expect(401);
    const listed = await cli('keys', 'list');
    assert.match(listed.stdout.split('\n').find((l) => l.startsWith(admin.id))!, /revoked \S+ by cli:/);
    const again = await cli('keys', 'revoke', admin.id, '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.ok(JSON.parse(again.stdout).revokedAt);
    const unknown = await cli('keys', 'revoke', 'key_doesnotexist');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^hrhooks keys: no API key key_doesnotexist/);
  });
});
