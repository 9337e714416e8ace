// Webhook signatures: MS-Signature (ASP.NET WebHooks) and Standard Webhooks v1, and secret generation.
// Pure computation with node:crypto: no network, no disk, never logs a secret.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const STANDARD_PREFIX = 'whsec_';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export function msSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyMs(secret: string, body: Buffer, header: string | undefined | null): boolean {
  if (!header) return false;
  return safeEqual(msSignature(secret, body), header.trim().toLowerCase());
}

export function generateStandardSecret(): string {
  return `${STANDARD_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function generateAspnetSecret(): string {
  return Array.from({ length: 32 }, () => ALNUM[randomInt(ALNUM.length)]).join('');
}

export function standardKey(secret: string): Buffer {
  if (!secret.startsWith(STANDARD_PREFIX)) throw new SecretError('a Standard Webhooks secret starts with "whsec_"');
  const encoded = secret.slice(STANDARD_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new SecretError('the part after "whsec_" must be base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new SecretError('a Standard Webhooks key must be at least 16 bytes');
  return key;
}

export function standardSignature(secret: string, msgId: string, timestampSeconds: number, body: Buffer): string {
  return signStandard(secret, msgId, String(timestampSeconds), body);
}

function signStandard(secret: string, msgId: string, timestamp: string, body: Buffer): string {
  const mac = createHmac('sha256', standardKey(secret)).update(`${msgId}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export interface StandardVerifyInput {
  secret: string;
  msgId: string;
  timestamp: string;
  signatureHeader: string;
  body: Buffer;
}

export function verifyStandard(input: StandardVerifyInput): boolean {
  if (!/^\d{1,12}$/.test(input.timestamp)) return false;
  const expected = signStandard(input.secret, input.msgId, input.timestamp, input.body);
  return input.signatureHeader
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((candidate) => safeEqual(expected, candidate));
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
