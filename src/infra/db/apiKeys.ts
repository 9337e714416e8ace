// API keys: created once (the clear key is returned only then), stored as a sha256 hash, looked up by hash,
// listed and revoked by id. Bootstrap keys from config are inserted once and never brought back once revoked.
// Never logs, stores or returns a clear key (only its prefix: too short to use).
import type { Pool } from 'pg';
import { DEFAULT_TENANT } from '../../domain/tenants/tenantId';
import { hashApiKey, randomToken } from '../crypto/secretBox';

/** `platform`: no tenant (manages tenants, acts inside one by naming it); `admin`, `producer`: one tenant's. */
export type Scope = 'platform' | 'admin' | 'producer';

export interface ApiKey {
  id: string;
  name: string;
  scope: Scope;
  /** The tenant the key belongs to; null for a platform key. */
  tenantId: string | null;
}

/** What may be shown of a key: never the key or its full hash. */
export interface ApiKeyView extends ApiKey {
  /** The key's first characters (a quarter of it at most, 12 at most); null for keys older than this column. */
  prefix: string | null;
  /** `sha256:` + the first 16 hex digits of SHA-256(key): `printf %s "$KEY" | sha256sum | cut -c1-16`. */
  fingerprint: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export function keyPrefix(key: string): string {
  return key.slice(0, Math.min(12, Math.floor(key.length / 4)));
}

/** Key ids are `key_` + base64url (hex for bootstrap keys); anything else names no key and is not looked up. */
const KEY_ID = /^key_[A-Za-z0-9_-]{1,64}$/;

const VIEW_COLUMNS = 'id, name, scope, tenant_id, prefix, key_hash, created_at, revoked_at, revoked_by';

function viewOf(row: Record<string, any>): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    tenantId: row.tenant_id ?? null,
    prefix: row.prefix ?? null,
    fingerprint: `sha256:${String(row.key_hash).slice(0, 16)}`,
    createdAt: (row.created_at as Date).toISOString(),
    revokedAt: row.revoked_at ? (row.revoked_at as Date).toISOString() : null,
    revokedBy: row.revoked_by ?? null,
  };
}

/** A new key: `tenantId` null for a platform key, the tenant's id for an admin or producer key. */
export async function createApiKey(pool: Pool, scope: Scope, name: string, tenantId: string | null): Promise<ApiKey & { key: string }> {
  const key = randomToken('hrk_', 24);
  const id = randomToken('key_', 9);
  await pool.query('INSERT INTO api_keys (id, name, scope, key_hash, prefix, tenant_id) VALUES ($1,$2,$3,$4,$5,$6)', [
    id, name, scope, hashApiKey(key), keyPrefix(key), tenantId,
  ]);
  return { id, name, scope, tenantId, key };
}

export async function findApiKey(pool: Pool, key: string): Promise<ApiKey | null> {
  const { rows } = await pool.query(
    'SELECT id, name, scope, tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return rows[0] ? { id: rows[0].id, name: rows[0].name, scope: rows[0].scope, tenantId: rows[0].tenant_id ?? null } : null;
}

/**
 * Inserts a configured key the first time it is seen, under a stable id derived from its hash. An existing row
 * is left as it is (scope, name, revocation): a revoked bootstrap key stays revoked. Returns whether it is revoked.
 */
export async function ensureApiKey(pool: Pool, key: string, scope: Scope, name: string, tenantId: string | null): Promise<{ revoked: boolean }> {
  const hash = hashApiKey(key);
  await pool.query(
    `INSERT INTO api_keys (id, name, scope, key_hash, prefix, tenant_id) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (key_hash) DO UPDATE SET prefix = EXCLUDED.prefix WHERE api_keys.prefix IS NULL`,
    [`key_${hash.slice(0, 16)}`, name, scope, hash, keyPrefix(key), tenantId],
  );
  const { rows } = await pool.query('SELECT revoked_at FROM api_keys WHERE key_hash = $1', [hash]);
  return { revoked: rows[0]?.revoked_at != null };
}

/**
 * Ensures the bootstrap keys (the admin key is a platform key, the producer key the `default` tenant's);
 * names the ones that are configured but revoked (they stay refused).
 */
export async function ensureBootstrapKeys(pool: Pool, keys: { admin?: string; producer?: string }): Promise<{ revoked: string[] }> {
  const revoked: string[] = [];
  if (keys.admin && (await ensureApiKey(pool, keys.admin, 'platform', 'bootstrap-admin', null)).revoked) revoked.push('bootstrap-admin');
  if (keys.producer && (await ensureApiKey(pool, keys.producer, 'producer', 'bootstrap-producer', DEFAULT_TENANT)).revoked) revoked.push('bootstrap-producer');
  return { revoked };
}

export async function listApiKeys(pool: Pool): Promise<ApiKeyView[]> {
  const { rows } = await pool.query(`SELECT ${VIEW_COLUMNS} FROM api_keys ORDER BY created_at, id`);
  return rows.map(viewOf);
}

/**
 * Revokes a key for good (every API call and web-interface session of it is refused from the next request on).
 * Revoking a revoked key changes nothing. null: no such key.
 */
export async function revokeApiKey(pool: Pool, id: string, by: string): Promise<{ key: ApiKeyView; changed: boolean } | null> {
  if (!KEY_ID.test(id)) return null;
  const updated = await pool.query(
    `UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${VIEW_COLUMNS}`,
    [id, by],
  );
  if (updated.rows[0]) return { key: viewOf(updated.rows[0]), changed: true };
  const { rows } = await pool.query(`SELECT ${VIEW_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] ? { key: viewOf(rows[0]), changed: false } : null;
}
