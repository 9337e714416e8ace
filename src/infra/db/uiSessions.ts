// Web-interface sessions in Postgres, named by the SHA-256 of the cookie's secret nonce (never the nonce).
// A key's session is live while its row exists, is unexpired and its key is an unrevoked platform or admin key
// (tenant: the key's; NULL for a platform key: the global interface). A portal session has no key: it is live
// while unexpired and its tenant not deleted. Signing out deletes the row, on every gateway, for good.
import crypto from 'node:crypto';
import type { Pool } from 'pg';

export type SessionRole = 'admin' | 'viewer';

export interface LiveUiSession {
  /** The key that opened it; null for a portal session. */
  keyId: string | null;
  name: string;
  tenantId: string | null;
  role: SessionRole;
  returnUrl: string | null;
}

function sessionId(nonce: string): string {
  return crypto.createHash('sha256').update(nonce, 'utf8').digest('base64url');
}

async function dropExpired(pool: Pool): Promise<void> {
  await pool.query('DELETE FROM ui_sessions WHERE expires_at < now()');
}

export async function createUiSession(pool: Pool, nonce: string, apiKeyId: string, expiresAt: number): Promise<void> {
  await dropExpired(pool);
  await pool.query(
    `INSERT INTO ui_sessions (id, api_key_id, expires_at, tenant_id)
     SELECT $1, $2, to_timestamp($3::float8 / 1000), k.tenant_id FROM api_keys k WHERE k.id = $2`,
    [sessionId(nonce), apiKeyId, expiresAt],
  );
}

export interface NewPortalSession {
  tenantId: string;
  role: SessionRole;
  name: string;
  returnUrl: string | null;
  expiresAt: number;
}

export async function createPortalSession(pool: Pool, nonce: string, s: NewPortalSession): Promise<void> {
  await dropExpired(pool);
  await pool.query(
    `INSERT INTO ui_sessions (id, api_key_id, expires_at, tenant_id, role, name, return_url)
     VALUES ($1, NULL, to_timestamp($2::float8 / 1000), $3, $4, $5, $6)`,
    [sessionId(nonce), s.expiresAt, s.tenantId, s.role, s.name, s.returnUrl],
  );
}

/** The session, when live and opened with that key (or, `apiKeyId` null, by a portal link); else null. */
export async function liveUiSession(pool: Pool, nonce: string, apiKeyId: string | null): Promise<LiveUiSession | null> {
  const { rows } = await pool.query(
    `SELECT s.api_key_id, coalesce(k.name, s.name) AS name, s.tenant_id, s.role, s.return_url
       FROM ui_sessions s LEFT JOIN api_keys k ON k.id = s.api_key_id
      WHERE s.id = $1 AND s.expires_at > now()
        AND ($2::text IS NULL AND s.api_key_id IS NULL
             OR s.api_key_id = $2 AND k.revoked_at IS NULL AND k.scope IN ('platform', 'admin'))
        AND (s.tenant_id IS NULL OR EXISTS (SELECT 1 FROM tenants t WHERE t.id = s.tenant_id AND t.deleted_at IS NULL))`,
    [sessionId(nonce), apiKeyId],
  );
  const r = rows[0];
  return r ? { keyId: r.api_key_id, name: r.name ?? 'portal', tenantId: r.tenant_id, role: r.role, returnUrl: r.return_url } : null;
}

export async function endUiSession(pool: Pool, nonce: string): Promise<void> {
  await pool.query('DELETE FROM ui_sessions WHERE id = $1', [sessionId(nonce)]);
}
