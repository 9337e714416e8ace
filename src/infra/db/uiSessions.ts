// Web-interface sessions in Postgres, named by the SHA-256 of the cookie's secret nonce (never the nonce):
// a session is live while its row exists, is unexpired and its API key is an unrevoked admin key. Signing out
// deletes the row, so every gateway refuses the cookie from then on, across restarts.
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { ApiKey } from './apiKeys';

function sessionId(nonce: string): string {
  return crypto.createHash('sha256').update(nonce, 'utf8').digest('base64url');
}

export async function createUiSession(pool: Pool, nonce: string, apiKeyId: string, expiresAt: number): Promise<void> {
  await pool.query('DELETE FROM ui_sessions WHERE expires_at < now()');
  await pool.query('INSERT INTO ui_sessions (id, api_key_id, expires_at) VALUES ($1, $2, to_timestamp($3::float8 / 1000))', [
    sessionId(nonce),
    apiKeyId,
    expiresAt,
  ]);
}

/** The session's admin key, when the session is live and was opened with that key; else null. */
export async function liveUiSession(pool: Pool, nonce: string, apiKeyId: string): Promise<ApiKey | null> {
  const { rows } = await pool.query(
    `SELECT k.id, k.name, k.scope FROM ui_sessions s JOIN api_keys k ON k.id = s.api_key_id
      WHERE s.id = $1 AND s.api_key_id = $2 AND s.expires_at > now() AND k.revoked_at IS NULL AND k.scope = 'admin'`,
    [sessionId(nonce), apiKeyId],
  );
  return rows[0] ? { id: rows[0].id, name: rows[0].name, scope: rows[0].scope } : null;
}

export async function endUiSession(pool: Pool, nonce: string): Promise<void> {
  await pool.query('DELETE FROM ui_sessions WHERE id = $1', [sessionId(nonce)]);
}
