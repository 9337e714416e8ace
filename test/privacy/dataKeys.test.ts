// The pure crypto of personal data at rest (src/infra/crypto/dataKeys.ts): data keys wrapped by the payload key and
// opened with the current or the previous one after a rotation, envelopes bound to their key, the blind index.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blindIndexKey, blindIndexOf, blindTermOf, DataKeyError, envelopeKeyId, newDataKey, openWith, sealWith, unwrapDataKey, wrapDataKey, wrappingKeyFrom,
} from '../../src/infra/crypto/dataKeys';
import { employeeOf } from '../../src/domain/events/dataSubject';

const OLD = 'old-payload-key-0123456789-0123456789';
const NEW = 'new-payload-key-0123456789-0123456789';

describe('data keys', () => {
  test('a wrapped data key opens with the key that wrapped it, also as the previous key after a rotation', () => {
    const key = newDataKey();
    const wrapped = wrapDataKey(wrappingKeyFrom(OLD), key);
    assert.ok(!wrapped.includes(key.material.toString('base64')));
    const opened = unwrapDataKey([wrappingKeyFrom(NEW), wrappingKeyFrom(OLD)], key.keyId, wrapped);
    assert.deepEqual(opened.key.material, key.material);
    assert.equal(opened.wrappedBy, wrappingKeyFrom(OLD).id);
    assert.throws(() => unwrapDataKey([wrappingKeyFrom(NEW)], key.keyId, wrapped), DataKeyError);
    assert.throws(() => unwrapDataKey([wrappingKeyFrom(OLD)], newDataKey().keyId, wrapped), DataKeyError, 'bound to its own key id');
  });

  test('an envelope names its key, opens with it only, and is not the clear text', () => {
    const key = newDataKey();
    const sealed = sealWith(key, 'Ada Lovelace, Sick leave');
    assert.match(sealed, /^hrk1:dk_[0-9a-f]{32}:/);
    assert.equal(envelopeKeyId(sealed), key.keyId);
    assert.ok(!sealed.includes('Lovelace'));
    assert.equal(openWith(key, sealed), 'Ada Lovelace, Sick leave');
    assert.notEqual(sealWith(key, 'x'), sealWith(key, 'x'), 'a fresh IV each time');
    const other = { ...newDataKey(), keyId: key.keyId };
    assert.throws(() => openWith(other, sealed), DataKeyError);
    assert.equal(envelopeKeyId({ id: 'evt' }), null, 'rows from before pass through');
    assert.equal(envelopeKeyId('Ada Lovelace'), null);
  });

  test('blind index: whole name and each word, accents and case ignored, per tenant', () => {
    const a = blindIndexKey(NEW, 'acme');
    const index = blindIndexOf(a, '  Adá   LOVELACE ');
    assert.equal(index.length, 3);
    for (const q of ['ada lovelace', 'Lovelace', 'ADA']) assert.ok(index.includes(blindTermOf(a, q)!), q);
    assert.ok(!index.includes(blindTermOf(a, 'Lovel')!));
    assert.ok(!blindIndexOf(blindIndexKey(NEW, 'globex'), 'Ada Lovelace').includes(blindTermOf(a, 'lovelace')!), 'another tenant: other terms');
    assert.ok(!index.join().includes('lovelace'));
  });

  test("whose data an event is: an employee's, or the tenant's (pay runs, no id)", () => {
    assert.equal(employeeOf({ id: 'E1', resourceKey: 'employee:E1' }), 'E1');
    assert.equal(employeeOf({ id: 'E1', resourceKey: 'absence:5' }), 'E1');
    assert.equal(employeeOf({ id: 'PR-1', resourceKey: 'payrun:PR-1' }), null);
    assert.equal(employeeOf({ id: null, resourceKey: null }), null);
  });
});
