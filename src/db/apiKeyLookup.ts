// Looks an API key up by its id (the web interface's session names the key by id, never by the clear key).
import type { Pool } from 'pg';
import type { ApiKey } from './apiKeys';

export async function findApiKeyById(pool: Pool, id: string): Promise<ApiKey | null> {
  const { rows } = await pool.query('SELECT id, name, scope FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [id]);
  return rows[0] ? { id: rows[0].id, name: rows[0].name, scope: rows[0].scope } : null;
}
