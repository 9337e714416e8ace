// The Temporal payload codec: every payload hrhooks hands to Temporal is sealed with AES-256-GCM under
// HRHOOKS_PAYLOAD_KEY (metadata: encoding binary/encrypted, encryption-key-id); decodes with it or the previous key;
// payloads that are not encrypted (histories from before the codec) pass through. Keys are only ever shown as ids.
import crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const FINGERPRINT_LABEL = 'hrhooks payload key fingerprint';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** An encrypted payload this process cannot open: no key of its own has that id, or the data was altered. */
export class PayloadKeyError extends Error {
  constructor(message: string, readonly keyId: string | null) {
    super(message);
    this.name = 'PayloadKeyError';
  }
}

interface Key {
  id: string;
  material: Buffer;
}

/** Short public id of a payload key (HMAC of a label): written in every payload's metadata, safe in logs. */
export function payloadKeyId(key: string): string {
  return crypto.createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex').slice(0, 8);
}

export function generatePayloadKey(): string {
  return crypto.randomBytes(32).toString('base64');
}

function keyFrom(key: string): Key {
  return { id: payloadKeyId(key), material: crypto.createHash('sha256').update(key, 'utf8').digest() };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, or null for a payload in clear. */
export function encryptedKeyId(payload: Payload): string | null {
  return isEncrypted(payload) ? (text(payload.metadata?.[KEY_ID_METADATA]) ?? '') : null;
}

function seal(key: Key, payload: Payload): Payload {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key.material, iv);
  cipher.setAAD(Buffer.from(key.id));
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(key.id) }, data: body };
}

function open(key: Key, data: Uint8Array): Payload | null {
  const bytes = Buffer.from(data);
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.material, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(key.id));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return temporal.api.common.v1.Payload.decode(plain) as Payload;
  } catch {
    return null;
  }
}

export interface HrhooksPayloadCodec extends PayloadCodec {
  /** Id of the key new payloads are sealed under. */
  readonly keyId: string;
  /** Ids of every key this codec opens (current first). */
  readonly keyIds: string[];
  encodeOne(payload: Payload): Payload;
  /** Opens one payload (a payload in clear is returned as is); throws PayloadKeyError. */
  decodeOne(payload: Payload): Payload;
}

/** A codec sealing under `current`, opening with it or `previous` (key rotation). */
export function createPayloadCodec(current: string, previous?: string | null): HrhooksPayloadCodec {
  const keys = [keyFrom(current), ...(previous && previous !== current ? [keyFrom(previous)] : [])];
  const sealing = keys[0]!;
  const decodeOne = (payload: Payload): Payload => {
    const id = encryptedKeyId(payload);
    if (id === null) return payload;
    const key = keys.find((k) => k.id === id);
    if (!key) {
      throw new PayloadKeyError(`payload encrypted under key id ${id || '(none)'}; this process has key id(s) ${keys.map((k) => k.id).join(', ')} (HRHOOKS_PAYLOAD_KEY, HRHOOKS_PAYLOAD_KEY_PREVIOUS)`, id);
    }
    const opened = open(key, payload.data ?? new Uint8Array());
    if (!opened) throw new PayloadKeyError(`payload under key id ${id} does not decrypt (altered or truncated)`, id);
    return opened;
  };
  return {
    keyId: sealing.id,
    keyIds: keys.map((k) => k.id),
    encodeOne: (payload) => seal(sealing, payload),
    decodeOne,
    async encode(payloads) {
      return payloads.map((p) => seal(sealing, p));
    },
    async decode(payloads) {
      return payloads.map(decodeOne);
    },
  };
}
