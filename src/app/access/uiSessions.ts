// A web-interface session's life: opened for a platform or tenant admin key, or by a portal link (no key; a
// tenant and a role) — a sealed cookie value holding the key's id (null for a portal session), a random nonce
// and the expiry, never a clear key; the session row in Postgres. Found again from that cookie value while it
// is live, closed for good on every gateway. The cookie itself is the web's business.
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import type { ApiKey } from '../../infra/db/apiKeys';
import { createPortalSession, createUiSession, endUiSession, liveUiSession, type SessionRole } from '../../infra/db/uiSessions';

export const UI_SESSION_TTL_MS = 12 * 3_600_000;
/** How long a browser session opened by a portal link lasts (the link itself expires much sooner). */
export const PORTAL_SESSION_TTL_MS = 8 * 3_600_000;

export type { SessionRole };

export interface UiSessionDeps {
  pool: Pool;
  box: SecretBox;
}

export interface OpenedUiSession {
  /** The key that opened it; null for a portal session. */
  keyId: string | null;
  /** The operator's name: the admin key's, or who asked for the portal link. */
  name: string;
  /** The session's secret (the CSRF token derives from it). */
  nonce: string;
  expiresAt: number;
  /** The tenant it works in; null: a platform operator's global interface. */
  tenantId: string | null;
  role: SessionRole;
  /** Opened by a portal link (framable by the tenant's portal origins). */
  portal: boolean;
  /** The platform's page to go back to (portal sessions only). */
  returnUrl: string | null;
}

export interface CookieValue {
  cookieValue: string;
  expiresAt: number;
}

function unseal(deps: UiSessionDeps, cookieValue: string): { keyId: string | null; nonce: string; expiresAt: number } | null {
  try {
    const parsed = JSON.parse(deps.box.open(Buffer.from(cookieValue, 'base64url').toString('utf8')));
    if ((typeof parsed.k !== 'string' && parsed.k !== null) || typeof parsed.n !== 'string' || typeof parsed.e !== 'number') return null;
    if (parsed.e <= Date.now()) return null;
    return { keyId: parsed.k, nonce: parsed.n, expiresAt: parsed.e };
  } catch {
    return null;
  }
}

function sealed(deps: UiSessionDeps, keyId: string | null, nonce: string, expiresAt: number): CookieValue {
  const value = deps.box.seal(JSON.stringify({ k: keyId, n: nonce, e: expiresAt }));
  return { cookieValue: Buffer.from(value, 'utf8').toString('base64url'), expiresAt };
}

const newNonce = () => crypto.randomBytes(18).toString('base64url');

/** A new session for a platform or admin key (in the key's tenant); the value to put in the cookie, and when it ends. */
export async function openUiSession(deps: UiSessionDeps, key: ApiKey): Promise<CookieValue> {
  const expiresAt = Date.now() + UI_SESSION_TTL_MS;
  const nonce = newNonce();
  await createUiSession(deps.pool, nonce, key.id, expiresAt);
  return sealed(deps, key.id, nonce, expiresAt);
}

/** A new session opened by a portal link: one tenant, one role, no key. */
export async function openPortalUiSession(
  deps: UiSessionDeps,
  grant: { tenantId: string; role: SessionRole; name: string; returnUrl: string | null },
): Promise<CookieValue> {
  const expiresAt = Date.now() + PORTAL_SESSION_TTL_MS;
  const nonce = newNonce();
  await createPortalSession(deps.pool, nonce, { ...grant, expiresAt });
  return sealed(deps, null, nonce, expiresAt);
}

/** The session behind a cookie value, when the value is genuine and the session live (its key, if any, still valid). */
export async function findUiSession(deps: UiSessionDeps, cookieValue: string): Promise<OpenedUiSession | null> {
  const opened = unseal(deps, cookieValue);
  if (!opened) return null;
  const live = await liveUiSession(deps.pool, opened.nonce, opened.keyId);
  if (!live) return null;
  return { ...opened, name: live.name, tenantId: live.tenantId, role: live.role, portal: live.keyId === null, returnUrl: live.returnUrl };
}

/** Ends the session everywhere, for good. */
export async function closeUiSession(deps: UiSessionDeps, nonce: string): Promise<void> {
  await endUiSession(deps.pool, nonce);
}
