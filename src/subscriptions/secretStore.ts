// How a subscription's signing secrets and authorization value are kept in
// Postgres: sealed by the SecretBox, never stored or returned in clear.
// secrets_enc holds the newest secret first; rotated-out secrets carry an expiry.
import type { SecretBox } from '../crypto/secretBox';

export interface StoredSecret {
  secret: string;
  expiresAt: string | null;
}

export function sealSecrets(box: SecretBox, secrets: StoredSecret[]): string {
  return box.seal(JSON.stringify(secrets));
}

export function openSecrets(box: SecretBox, sealed: string | null, now: Date): string[] {
  if (!sealed) return [];
  const all = JSON.parse(box.open(sealed)) as StoredSecret[];
  return all.filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime()).map((s) => s.secret);
}

/** New list after a rotation: the new secret first, the current one kept until the grace period ends. */
export function rotateSecrets(box: SecretBox, sealed: string | null, fresh: string, now: Date, graceMs: number): string {
  const current = sealed ? (JSON.parse(box.open(sealed)) as StoredSecret[]) : [];
  const live = current.filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime());
  const expiresAt = new Date(now.getTime() + graceMs).toISOString();
  const kept = live.slice(0, 1).map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? expiresAt }));
  return sealSecrets(box, [{ secret: fresh, expiresAt: null }, ...kept]);
}

export function sealAuthorization(box: SecretBox, value: string | null | undefined): string | null {
  return value ? box.seal(value) : null;
}

export function openAuthorization(box: SecretBox, sealed: string | null): string | null {
  return sealed ? box.open(sealed) : null;
}
