// The payload_key_check table (migration 016): one payload per payload key, sealed by the codec under that
// key, so every process can prove at start that its keys open what the others write. Outside this module,
// nothing reads or writes it.
import type { Pool } from 'pg';

export interface StoredCheck {
  keyId: string;
  /** The encrypted payload, as temporal.api.common.v1.Payload bytes. */
  payload: Uint8Array;
  createdAt: Date;
}

/** The checks, newest first. */
export async function payloadKeyChecks(pool: Pool): Promise<StoredCheck[]> {
  const { rows } = await pool.query('SELECT key_id, payload, created_at FROM payload_key_check ORDER BY created_at DESC, key_id');
  return rows.map((r) => ({ keyId: r.key_id as string, payload: r.payload as Buffer, createdAt: r.created_at as Date }));
}

/** Adds the check of a key (a concurrent first start that won keeps its row). */
export async function addPayloadKeyCheck(pool: Pool, keyId: string, payload: Uint8Array): Promise<void> {
  await pool.query('INSERT INTO payload_key_check (key_id, payload) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING', [keyId, Buffer.from(payload)]);
}
