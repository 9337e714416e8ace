// Envelope encryption of personal data at rest (issue 23 item 3), pure crypto, no I/O: data keys wrapped by the
// payload key (AES-256-GCM), values sealed under a data key as `hrk1:<key id>:<base64 iv|ciphertext|tag>`, and
// the keyed blind index names are searched by. Never logs or returns a key.
import crypto from 'node:crypto';
import { payloadKeyId } from './payloadCodec';

export const ENVELOPE_PREFIX = 'hrk1:';
/** What reads show where the data's key was erased. */
export const ERASED = 'erased';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface WrappingKey {
  id: string;
  material: Buffer;
}

export interface DataKey {
  keyId: string;
  material: Buffer;
}

/** A wrapping key from a payload key (HRHOOKS_PAYLOAD_KEY): same id as the codec's, separate material. */
export function wrappingKeyFrom(payloadKey: string): WrappingKey {
  const material = crypto.createHmac('sha256', payloadKey).update('hrhooks data key wrapping').digest();
  return { id: payloadKeyId(payloadKey), material };
}

function gcmSeal(material: Buffer, aad: string, plain: Buffer): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function gcmOpen(material: Buffer, aad: string, sealed: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DataKeyError('sealed value is truncated');
  const decipher = crypto.createDecipheriv('aes-256-gcm', material, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DataKeyError('sealed value does not decrypt (altered, or another key)');
  }
}

/** A data key or value that cannot be opened for a reason other than an erasure. Carries no key. */
export class DataKeyError extends Error {
  override readonly name = 'DataKeyError';
}

export function newDataKey(): DataKey {
  return { keyId: `dk_${crypto.randomBytes(16).toString('hex')}`, material: crypto.randomBytes(32) };
}

/** `<wrapping key id>:<base64>`: the data key sealed under the wrapping key, bound to its own key id. */
export function wrapDataKey(wrapping: WrappingKey, key: DataKey): string {
  return `${wrapping.id}:${gcmSeal(wrapping.material, key.keyId, key.material).toString('base64')}`;
}

/** Opens a wrapped data key with whichever of `wrapping` (current, previous) it names. */
export function unwrapDataKey(wrapping: WrappingKey[], keyId: string, wrapped: string): { key: DataKey; wrappedBy: string } {
  const sep = wrapped.indexOf(':');
  const by = wrapped.slice(0, sep);
  const wrapper = wrapping.find((w) => w.id === by);
  if (sep < 0 || !wrapper) {
    throw new DataKeyError(`data key ${keyId} is wrapped under payload key id ${by || '(none)'}; this process has ${wrapping.map((w) => w.id).join(', ') || 'none'} (HRHOOKS_PAYLOAD_KEY, HRHOOKS_PAYLOAD_KEY_PREVIOUS)`);
  }
  return { key: { keyId, material: gcmOpen(wrapper.material, keyId, Buffer.from(wrapped.slice(sep + 1), 'base64')) }, wrappedBy: by };
}

export function sealWith(key: DataKey, plain: string): string {
  return `${ENVELOPE_PREFIX}${key.keyId}:${gcmSeal(key.material, key.keyId, Buffer.from(plain, 'utf8')).toString('base64')}`;
}

/** The key id an envelope names, or null for a value stored in clear (rows from before, markers). */
export function envelopeKeyId(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith(ENVELOPE_PREFIX)) return null;
  const end = value.indexOf(':', ENVELOPE_PREFIX.length);
  return end < 0 ? null : value.slice(ENVELOPE_PREFIX.length, end);
}

export function openWith(key: DataKey, envelope: string): string {
  const body = envelope.slice(ENVELOPE_PREFIX.length + key.keyId.length + 1);
  return gcmOpen(key.material, key.keyId, Buffer.from(body, 'base64')).toString('utf8');
}

/** A name as searched: accents off, lower case, single spaces. */
export function normaliseName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The tenant's blind index key, derived from a payload key (a rotation keeps the previous key's terms searchable). */
export function blindIndexKey(payloadKey: string, tenantId: string): Buffer {
  return crypto.createHmac('sha256', payloadKey).update(`hrhooks blind index\u0000${tenantId}`).digest();
}

const term = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text, 'utf8').digest('base64url');

/** What a name is found by: the HMAC of the whole normalised name and of each of its words. */
export function blindIndexOf(key: Buffer, name: string): string[] {
  const whole = normaliseName(name);
  if (whole === '') return [];
  return [...new Set([whole, ...whole.split(' ')])].map((t) => term(key, t));
}

/** The index term a search for `query` (a whole name or one word) looks up. */
export function blindTermOf(key: Buffer, query: string): string | null {
  const q = normaliseName(query);
  return q === '' ? null : term(key, q);
}
