// The payload codec's own rules (pure: no Temporal): AES-256-GCM with the key id in the metadata, a fresh IV per
// payload, clear payloads passed through, rotation (seal with the current key, open with it or the previous one),
// and an altered or foreign payload refused with its key id, never opened wrongly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Payload } from '@temporalio/common';
import { createPayloadCodec, encryptedKeyId, PayloadKeyError, payloadKeyId } from '../../src/infra/crypto/payloadCodec';

const OLD = 'old-payload-key-0123456789-0123456789-abcdef';
const NEW = 'new-payload-key-0123456789-0123456789-abcdef';
const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const plain: Payload = { metadata: { encoding: enc('json/plain'), messageType: enc('x') }, data: enc(JSON.stringify({ name: 'Ada Lovelace', iban: 'GB33BUKB20201555555555' })) };

describe('payload codec', () => {
  test('seals under the key id, hides the data and its metadata, opens back exactly', async () => {
    const codec = createPayloadCodec(OLD);
    const [sealed] = await codec.encode([plain]);
    assert.equal(text(sealed!.metadata!.encoding), 'binary/encrypted');
    assert.equal(encryptedKeyId(sealed!), payloadKeyId(OLD));
    assert.deepEqual(Object.keys(sealed!.metadata!).sort(), ['encoding', 'encryption-key-id']);
    assert.ok(!text(sealed!.data).includes('Ada') && !text(sealed!.data).includes('json/plain'));
    const [again] = await codec.encode([plain]);
    assert.notDeepEqual(again!.data, sealed!.data, 'a fresh IV each time');
    const [opened] = await codec.decode([sealed!]);
    assert.equal(text(opened!.data), text(plain.data));
    assert.equal(text(opened!.metadata!.encoding), 'json/plain');
    assert.equal(text(opened!.metadata!.messageType), 'x');
  });

  test('a payload in clear (a history from before the codec) passes through', async () => {
    const [same] = await createPayloadCodec(OLD).decode([plain]);
    assert.equal(same, plain);
  });

  test('rotation: the new key seals, the previous one still opens; without it, refused naming the key id', async () => {
    const [old] = await createPayloadCodec(OLD).encode([plain]);
    const rotated = createPayloadCodec(NEW, OLD);
    assert.equal(rotated.keyId, payloadKeyId(NEW));
    assert.equal(text((await rotated.decode([old!]))[0]!.data), text(plain.data));
    assert.equal(encryptedKeyId((await rotated.encode([plain]))[0]!), payloadKeyId(NEW));
    assert.throws(() => createPayloadCodec(NEW).decodeOne(old!), (err: Error) => err instanceof PayloadKeyError && err.message.includes(payloadKeyId(OLD)) && !err.message.includes(OLD));
  });

  test('altered data or a key id swapped for another key\'s is refused, never opened', async () => {
    const codec = createPayloadCodec(NEW, OLD);
    const [sealed] = await codec.encode([plain]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    assert.throws(() => codec.decodeOne({ ...sealed!, data: flipped }), PayloadKeyError);
    assert.throws(() => codec.decodeOne({ ...sealed!, data: flipped.subarray(0, 10) }), PayloadKeyError);
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata!, 'encryption-key-id': enc(payloadKeyId(OLD)) } };
    assert.throws(() => codec.decodeOne(relabelled), PayloadKeyError, 'the key id is bound to the ciphertext');
  });
});
