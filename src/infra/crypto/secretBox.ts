// Encrypts secrets at rest (subscription signing secrets, authorization values, UI session cookies)
// with AES-256-GCM under HRHOOKS_SECRET_KEY, so a database dump alone reveals nothing. Seals under the
// current key, opens with it or HRHOOKS_SECRET_KEY_PREVIOUS. Keys are only ever shown as their key id.
import crypto from 'node:crypto';

export interface SecretBox {
  /** Short public id of the sealing key (the start of its fingerprint): safe in errors and logs. */
  readonly keyId: string;
  /** HMAC of the key, stored in the database to check that every process uses the same key. */
  readonly fingerprint: string;
  readonly previous: { keyId: string; fingerprint: string } | null;
  seal(plain: string): string;
  /** Opens with the current key, then the previous one; throws SecretDecryptError. */
  open(sealed: string): string;
  /** Id of the key (current or previous) that opens this sealed value, or null if neither does. */
  keyIdOpening(sealed: string): string | null;
}

/** A sealed value this box cannot open: wrong key, or not a sealed value at all. Carries no secret. */
export class SecretDecryptError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
    /** The key id written in the sealed value (null for values sealed before key ids existed). */
    readonly sealedKeyId: string | null,
  ) {
    super(message);
    this.name = 'SecretDecryptError';
  }
}

const FINGERPRINT_LABEL = 'hrhooks key fingerprint';
const KEY_ID_LENGTH = 8;

/** HMAC-SHA256(key, label), 128 bits in hex: identifies a key without revealing it. */
export function keyFingerprint(key: string): string {
  return crypto.createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex').slice(0, 32);
}

export function keyIdOf(fingerprint: string): string {
  return fingerprint.slice(0, KEY_ID_LENGTH);
}

export function generateSecretKey(): string {
  return crypto.randomBytes(32).toString('base64');
}

interface Key {
  id: string;
  fingerprint: string;
  material: Buffer;
}

function keyFrom(key: string): Key {
  const fingerprint = keyFingerprint(key);
  return { id: keyIdOf(fingerprint), fingerprint, material: crypto.createHash('sha256').update(key, 'utf8').digest() };
}

interface Parsed {
  keyId: string | null;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
  aad: Buffer | null;
}

/** v2:<key id>:<iv>:<tag>:<body> (key id bound as AAD); v1:<iv>:<tag>:<body> from before key ids. */
function parse(sealed: string): Parsed | null {
  const parts = sealed.split(':');
  const b64 = (s: string | undefined) => (s === undefined ? null : Buffer.from(s, 'base64'));
  if (parts[0] === 'v2' && parts.length === 5 && parts[1]) {
    const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
    return { keyId, iv: b64(iv)!, tag: b64(tag)!, body: b64(body)!, aad: Buffer.from(`v2:${keyId}`) };
  }
  if (parts[0] === 'v1' && parts.length === 4) {
    const [, iv, tag, body] = parts as [string, string, string, string];
    return { keyId: null, iv: b64(iv)!, tag: b64(tag)!, body: b64(body)!, aad: null };
  }
  return null;
}

function decrypt(key: Key, p: Parsed): string | null {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.material, p.iv);
    if (p.aad) decipher.setAAD(p.aad);
    decipher.setAuthTag(p.tag);
    return Buffer.concat([decipher.update(p.body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export function createSecretBox(key: string, previousKey?: string | null): SecretBox {
  const current = keyFrom(key);
  const previous = previousKey && previousKey !== key ? keyFrom(previousKey) : null;
  const candidates = (p: Parsed) => {
    const all = previous ? [current, previous] : [current];
    // A value naming a key is tried with that key first; an unknown id still gets a try (ids are short).
    return p.keyId ? [...all.filter((k) => k.id === p.keyId), ...all.filter((k) => k.id !== p.keyId)] : all;
  };
  const opening = (sealed: string): { key: Key; plain: string } | null => {
    const p = parse(sealed);
    if (!p) return null;
    for (const k of candidates(p)) {
      const plain = decrypt(k, p);
      if (plain !== null) return { key: k, plain };
    }
    return null;
  };
  return {
    keyId: current.id,
    fingerprint: current.fingerprint,
    previous: previous ? { keyId: previous.id, fingerprint: previous.fingerprint } : null,
    seal(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', current.material, iv);
      cipher.setAAD(Buffer.from(`v2:${current.id}`));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const opened = opening(sealed);
      if (opened) return opened.plain;
      const p = parse(sealed);
      if (!p) throw new SecretDecryptError('stored secret is not a sealed value (corrupted row?)', current.id, null);
      const tried = previous
        ? `this HRHOOKS_SECRET_KEY (key id ${current.id}) or HRHOOKS_SECRET_KEY_PREVIOUS (key id ${previous.id})`
        : `this HRHOOKS_SECRET_KEY (key id ${current.id})`;
      const sealedBy = p.keyId ? `; it was sealed under key id ${p.keyId}` : '';
      throw new SecretDecryptError(`secret cannot be decrypted with ${tried}${sealedBy}`, current.id, p.keyId);
    },
    keyIdOpening(sealed) {
      return opening(sealed)?.key.id ?? null;
    },
  };
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}${crypto.randomBytes(bytes).toString('base64url')}`;
}
