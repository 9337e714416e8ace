// API keys: created once (the clear key is returned only then), stored as a sha256 hash, looked up by hash.
// Bootstrap keys from config are ensured at start. Never logs or stores a clear key.
import type { Pool } from 'pg';
import { hashApiKey, randomToken } from '../crypto/secretBox';

export type Scope = 'producer' | 'admin';

export interface ApiKey {
  id: string;
  name: string;
  scope: Scope;
}

export async function createApiKey(pool: Pool, scope: Scope, name: string): Promise<ApiKey & { key: string }> {
  const key = randomToken('hrk_', 24);
  const id = randomToken('key_', 9);
  await pool.query('INSERT INTO api_keys (id, name, scope, key_hash) VALUES ($1,$2,$3,$4)', [id, name, scope, hashApiKey(key)]);
  return { id, name, scope, key };
}

export async function findApiKey(pool: Pool, key: string): Promise<ApiKey | null> {
  const { rows } = await pool.query(
    'SELECT id, name, scope FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return rows[0] ? { id: rows[0].id, name: rows[0].name, scope: rows[0].scope } : null;
}

/** Makes a configured key valid (idempotent): inserted under a stable id derived from its hash. */
export async function ensureApiKey(pool: Pool, key: string, scope: Scope, name: string): Promise<void> {
  const hash = hashApiKey(key);
  await pool.query(
    `INSERT INTO api_keys (id, name, scope, key_hash) VALUES ($1,$2,$3,$4)
     ON CONFLICT (key_hash) DO UPDATE SET scope = EXCLUDED.scope, revoked_at = NULL`,
    [`key_${hash.slice(0, 16)}`, name, scope, hash],
  );
}

export async function ensureBootstrapKeys(pool: Pool, keys: { admin?: string; producer?: string }): Promise<void> {
  if (keys.admin) await ensureApiKey(pool, keys.admin, 'admin', 'bootstrap-admin');
  if (keys.producer) await ensureApiKey(pool, keys.producer, 'producer', 'bootstrap-producer');
}
