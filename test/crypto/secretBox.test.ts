// SecretBox: sealed values carry the key id; a wrong key fails with SecretDecryptError naming key ids only;
// HRHOOKS_SECRET_KEY_PREVIOUS opens; values sealed before key ids (v1) still open.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { createSecretBox, keyFingerprint, SecretDecryptError } from '../../src/infra/crypto/secretBox';

/** A value in the format written before key ids existed. */
function sealV1(key: string, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', crypto.createHash('sha256').update(key).digest(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

describe('SecretBox', () => {
  const oldKey = 'old-key-0123456789';
  const newKey = 'new-key-9876543210';

  test('seals with the key id, opens its own values, never shows the key', () => {
    const box = createSecretBox(newKey);
    assert.match(box.keyId, /^[0-9a-f]{8}$/);
    assert.equal(box.fingerprint, keyFingerprint(newKey));
    assert.ok(box.fingerprint.startsWith(box.keyId));
    const sealed = box.seal('s3cret');
    assert.equal(sealed.split(':')[1], box.keyId);
    assert.ok(!sealed.includes(newKey));
    assert.equal(box.open(sealed), 's3cret');
  });

  test('a wrong key throws SecretDecryptError with both key ids', () => {
    const sealed = createSecretBox(oldKey).seal('s3cret');
    const box = createSecretBox(newKey);
    assert.throws(() => box.open(sealed), (err: unknown) => {
      assert.ok(err instanceof SecretDecryptError);
      assert.match(err.message, new RegExp(`^secret cannot be decrypted with this HRHOOKS_SECRET_KEY \\(key id ${box.keyId}\\)`));
      assert.match(err.message, new RegExp(`sealed under key id ${createSecretBox(oldKey).keyId}`));
      assert.ok(!err.message.includes(newKey) && !err.message.includes(oldKey));
      return true;
    });
    assert.equal(box.keyIdOpening(sealed), null);
  });

  test('the previous key opens; new values are sealed under the current key', () => {
    const old = createSecretBox(oldKey);
    const box = createSecretBox(newKey, oldKey);
    const sealed = old.seal('s3cret');
    assert.equal(box.open(sealed), 's3cret');
    assert.equal(box.keyIdOpening(sealed), old.keyId);
    assert.throws(() => old.open(box.seal('x')), SecretDecryptError);
  });

  test('v1 values without key id still open; malformed values fail as SecretDecryptError', () => {
    const box = createSecretBox(newKey, oldKey);
    assert.equal(box.open(sealV1(newKey, 'a')), 'a');
    assert.equal(box.open(sealV1(oldKey, 'b')), 'b');
    assert.throws(() => box.open('not sealed'), SecretDecryptError);
    assert.throws(() => createSecretBox(newKey).open(sealV1('other', 'c')), /cannot be decrypted with this HRHOOKS_SECRET_KEY/);
  });

  test('a key id tampered in a sealed value does not open', () => {
    const box = createSecretBox(newKey);
    const parts = box.seal('s3cret').split(':');
    parts[1] = '00000000';
    assert.throws(() => box.open(parts.join(':')), SecretDecryptError);
  });
});
