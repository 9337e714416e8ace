// Only NULL means "no secret" or "no Authorization"; any other stored value, the empty string included, is
// opened and so is either usable or reported broken — never silently taken for absent (fuzz counterexample
// of the 2026-11-25 CI run: secrets_enc = '' listed with no error).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { authorizationProblem, inspectSecrets, openAuthorization, openSecrets, sealSecrets } from '../../src/infra/crypto/secretStore';

const box = createSecretBox('a key for the secret store unit test');
const now = new Date('2026-11-25T12:00:00Z');

test('NULL is no secret; an empty stored value is broken, not absent', () => {
  assert.deepEqual(inspectSecrets(box, null, now), { ok: true, live: 0, previousExpiresAt: null });
  assert.deepEqual(openSecrets(box, null, now), []);
  assert.equal(openAuthorization(box, null), null);
  assert.equal(authorizationProblem(box, null), null);

  const empty = inspectSecrets(box, '', now);
  assert.equal(empty.ok, false);
  assert.throws(() => openSecrets(box, '', now));
  assert.throws(() => openAuthorization(box, ''));
  assert.equal(typeof authorizationProblem(box, ''), 'string');

  const sealed = sealSecrets(box, [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }]);
  assert.deepEqual(inspectSecrets(box, sealed, now), { ok: true, live: 1, previousExpiresAt: null });
});
