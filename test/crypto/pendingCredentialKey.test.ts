// A pending credential (issue 20 item 4) is a sealed value like the others: a secret key rotation re-seals it, so it
// can still be activated after the old key is gone. Real Postgres.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/infra/config';
import { checkSecretKey } from '../../src/app/secrets/keyFingerprint';
import { rotateSecretKey } from '../../src/app/secrets/rotateSecretKey';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { activatePending, rotateToPending } from '../../src/infra/db/credentialRotation';
import { createSubscription } from '../../src/infra/db/subscriptions';
import { openPending } from '../../src/infra/crypto/secretStore';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const OLD = 'pending-test-old-key-0001';
const NEW = 'pending-test-new-key-0002';
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

test('a secret key rotation re-seals the pending credential; it activates under the new key alone', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-pending-'));
  const old = await checkSecretKey(db.pool, loadConfig({ HRHOOKS_SECRET_KEY: OLD, HRHOOKS_DATA_DIR: dataDir }));
  const created = await createSubscription(db.pool, old, { name: 'payroll', url: 'https://payroll.example/hooks', format: 'aspnet', events: '*' });
  const pending = await rotateToPending(db.pool, old, created.subscription.id, { kind: 'secret', value: 'the-next-secret-0123456789', activateAt: null });
  assert.deepEqual(pending?.subscription.pendingCredential, { kind: 'secret', activateAt: null });

  const result = await rotateSecretKey(db.pool, createSecretBox(NEW, OLD));
  assert.equal(result.values, 2, 'the secret and the pending secret');
  const newOnly = createSecretBox(NEW);
  const { rows } = await db.pool.query('SELECT pending_credential_enc FROM subscriptions WHERE id = $1', [created.subscription.id]);
  assert.equal(openPending(newOnly, rows[0].pending_credential_enc)?.value, 'the-next-secret-0123456789');
  const activated = await activatePending(db.pool, newOnly, created.subscription.id);
  assert.ok(activated.ok && activated.subscription.error === null && activated.subscription.pendingCredential === null);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
