// How a subscription's signing secrets and authorization value are kept in
// Postgres: sealed by the SecretBox, never stored or returned in clear.
// secrets_enc holds the newest secret first; rotated-out secrets carry an expiry. pending_credential_enc holds a
// rotated secret or Authorization value of a single-credential format, not sent until it is activated (time or admin).
import type { SecretBox } from './secretBox';

export interface StoredSecret {
  secret: string;
  expiresAt: string | null;
}

/** A secret still signs: no expiry, or its rotation grace period has not ended. */
function isLive(s: StoredSecret, now: Date): boolean {
  return s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime();
}

export function sealSecrets(box: SecretBox, secrets: StoredSecret[]): string {
  return box.seal(JSON.stringify(secrets));
}

export function openSecrets(box: SecretBox, sealed: string | null, now: Date): string[] {
  if (sealed === null) return [];
  const all = JSON.parse(box.open(sealed)) as StoredSecret[];
  return all.filter((s) => isLive(s, now)).map((s) => s.secret);
}

/** New list after a rotation: the new secret first, the current one kept until the grace period ends. */
export function rotateSecrets(box: SecretBox, sealed: string | null, fresh: string, now: Date, graceMs: number): string {
  const current = sealed !== null ? (JSON.parse(box.open(sealed)) as StoredSecret[]) : [];
  const live = current.filter((s) => isLive(s, now));
  const expiresAt = new Date(now.getTime() + graceMs).toISOString();
  const kept = live.slice(0, 1).map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? expiresAt }));
  return sealSecrets(box, [{ secret: fresh, expiresAt: null }, ...kept]);
}

export function sealAuthorization(box: SecretBox, value: string | null | undefined): string | null {
  return value ? box.seal(value) : null;
}

export function openAuthorization(box: SecretBox, sealed: string | null): string | null {
  return sealed !== null ? box.open(sealed) : null;
}

/** What can be said about the sealed secrets without revealing them; never throws (lists and pages show broken rows). */
export type SecretsInspection = { ok: true; live: number; previousExpiresAt: string | null } | { ok: false; problem: string };

const KEY_HINT = 'cannot be decrypted with this HRHOOKS_SECRET_KEY';

/** The box's own decrypt error already names the key ids tried; anything else gets the hint. */
function failure(err: unknown): string {
  if (err instanceof Error && err.name === 'SecretDecryptError') return err.message;
  return `${KEY_HINT} (${err instanceof Error && err.message ? err.message : String(err)})`;
}

export function inspectSecrets(box: SecretBox, sealed: string | null, now: Date): SecretsInspection {
  if (sealed === null) return { ok: true, live: 0, previousExpiresAt: null };
  let plain: string;
  try {
    plain = box.open(sealed);
  } catch (err) {
    return { ok: false, problem: failure(err) };
  }
  let all: unknown;
  try {
    all = JSON.parse(plain);
  } catch {
    return { ok: false, problem: 'decrypted, but not a list of secrets' };
  }
  const valid = Array.isArray(all) && all.every((s) => typeof s?.secret === 'string' && (s.expiresAt === null || !Number.isNaN(Date.parse(s.expiresAt))));
  if (!valid) return { ok: false, problem: 'decrypted, but not a list of secrets' };
  const live = (all as StoredSecret[]).filter((s) => isLive(s, now));
  const expiring = live.map((s) => s.expiresAt).filter((e): e is string => e !== null).sort();
  return { ok: true, live: live.length, previousExpiresAt: expiring[0] ?? null };
}

/** Null when the authorization value is absent or readable, else what is wrong with it. Never throws. */
export function authorizationProblem(box: SecretBox, sealed: string | null): string | null {
  if (sealed === null) return null;
  try {
    box.open(sealed);
    return null;
  } catch (err) {
    return failure(err);
  }
}

/** A rotated credential not sent yet: from `activateAt` on (null: only once an admin activates it). */
export interface PendingCredential {
  kind: 'secret' | 'authorization';
  value: string;
  activateAt: string | null;
}

export function sealPending(box: SecretBox, pending: PendingCredential): string {
  return box.seal(JSON.stringify(pending));
}

export function openPending(box: SecretBox, sealed: string | null): PendingCredential | null {
  if (sealed === null) return null;
  const p = JSON.parse(box.open(sealed)) as PendingCredential;
  const valid = (p.kind === 'secret' || p.kind === 'authorization') && typeof p.value === 'string'
    && (p.activateAt === null || !Number.isNaN(Date.parse(p.activateAt)));
  if (!valid) throw new Error('decrypted, but not a pending credential');
  return p;
}

/** The pending credential has taken effect: its activation time has come. */
export function isDue(pending: PendingCredential, now: Date): boolean {
  return pending.activateAt !== null && Date.parse(pending.activateAt) <= now.getTime();
}

/** The sealed columns that hold a subscription's credentials. */
export interface SealedCredentials {
  secrets_enc: string | null;
  authorization_enc: string | null;
  pending_credential_enc?: string | null;
}

/**
 * What is sent now: a due pending credential replaces the current one outright (single-credential formats: the
 * receiver checks one value); otherwise the current secrets / Authorization value, the pending one unused.
 */
export function effectiveCredentials(box: SecretBox, row: SealedCredentials, now: Date): { secrets: string[]; authorization: string | null } {
  const pending = openPending(box, row.pending_credential_enc ?? null);
  const due = pending !== null && isDue(pending, now) ? pending : null;
  return {
    secrets: due?.kind === 'secret' ? [due.value] : openSecrets(box, row.secrets_enc, now),
    authorization: due?.kind === 'authorization' ? due.value : openAuthorization(box, row.authorization_enc),
  };
}

/** The columns after a pending credential takes effect for good (activation, or before a new rotation): it alone remains. */
export function promoted(box: SecretBox, pending: PendingCredential): { secrets_enc?: string; authorization_enc?: string } {
  return pending.kind === 'secret'
    ? { secrets_enc: sealSecrets(box, [{ secret: pending.value, expiresAt: null }]) }
    : { authorization_enc: box.seal(pending.value) };
}

/** What the public view says about a pending credential (never its value); null when none or already in effect. Never throws. */
export type PendingInspection = { ok: true; pending: { kind: PendingCredential['kind']; activateAt: string | null } | null } | { ok: false; problem: string };

export function inspectPending(box: SecretBox, sealed: string | null, now: Date): PendingInspection {
  try {
    const pending = openPending(box, sealed);
    if (pending === null || isDue(pending, now)) return { ok: true, pending: null };
    return { ok: true, pending: { kind: pending.kind, activateAt: pending.activateAt } };
  } catch (err) {
    return { ok: false, problem: failure(err) };
  }
}
