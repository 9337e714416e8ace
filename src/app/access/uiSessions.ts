// A web-interface session's life: opened for an admin key (a sealed cookie value holding the key's id, a
// random nonce and the expiry, never the clear key; the session row in Postgres), found again from that
// cookie value while it is live, closed for good on every gateway. The cookie itself is the web's business.
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import type { ApiKey } from '../../infra/db/apiKeys';
import { createUiSession, endUiSession, liveUiSession } from '../../infra/db/uiSessions';

export const UI_SESSION_TTL_MS = 12 * 3_600_000;

export interface UiSessionDeps {
  pool: Pool;
  box: SecretBox;
}

export interface OpenedUiSession {
  keyId: string;
  /** The operator's name: the admin key's. */
  name: string;
  /** The session's secret (the CSRF token derives from it). */
  nonce: string;
  expiresAt: number;
}

function unseal(deps: UiSessionDeps, cookieValue: string): { keyId: string; nonce: string; expiresAt: number } | null {
  try {
    const parsed = JSON.parse(deps.box.open(Buffer.from(cookieValue, 'base64url').toString('utf8')));
    if (typeof parsed.k !== 'string' || typeof parsed.n !== 'string' || typeof parsed.e !== 'number') return null;
    if (parsed.e <= Date.now()) return null;
    return { keyId: parsed.k, nonce: parsed.n, expiresAt: parsed.e };
  } catch {
    return null;
  }
}

/** A new session for an admin key; the value to put in the cookie, and when it ends. */
export async function openUiSession(deps: UiSessionDeps, key: ApiKey): Promise<{ cookieValue: string; expiresAt: number }> {
  const expiresAt = Date.now() + UI_SESSION_TTL_MS;
  const nonce = crypto.randomBytes(18).toString('base64url');
  await createUiSession(deps.pool, nonce, key.id, expiresAt);
  const sealed = deps.box.seal(JSON.stringify({ k: key.id, n: nonce, e: expiresAt }));
  return { cookieValue: Buffer.from(sealed, 'utf8').toString('base64url'), expiresAt };
}

/** The session behind a cookie value, when the value is genuine, the session live and its key still an admin key. */
export async function findUiSession(deps: UiSessionDeps, cookieValue: string): Promise<OpenedUiSession | null> {
  const opened = unseal(deps, cookieValue);
  if (!opened) return null;
  const key = await liveUiSession(deps.pool, opened.nonce, opened.keyId);
  return key ? { ...opened, name: key.name } : null;
}

/** Ends the session everywhere, for good. */
export async function closeUiSession(deps: UiSessionDeps, nonce: string): Promise<void> {
  await endUiSession(deps.pool, nonce);
}
