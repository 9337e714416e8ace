// Where sealed values live in Postgres (subscriptions' *_enc columns: secrets, authorization, extra headers) and the
// fingerprints of the key that sealed them. Outside this module, nothing lists sealed columns.
import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

export const SEALED_COLUMNS = ['authorization_enc', 'secrets_enc', 'pending_credential_enc', 'headers_enc'] as const;

export interface StoredFingerprint {
  fingerprint: string;
  keyId: string;
  createdAt: Date;
  retiredAt: Date | null;
}

const toFingerprint = (r: Record<string, any>): StoredFingerprint => ({
  fingerprint: r.fingerprint, keyId: r.key_id, createdAt: r.created_at, retiredAt: r.retired_at,
});

export async function activeFingerprint(db: Db, lock = false): Promise<StoredFingerprint | null> {
  const { rows } = await db.query(`SELECT * FROM secret_key_fingerprints WHERE retired_at IS NULL${lock ? ' FOR UPDATE' : ''}`);
  return rows[0] ? toFingerprint(rows[0]) : null;
}

export async function findFingerprint(db: Db, fingerprint: string): Promise<StoredFingerprint | null> {
  const { rows } = await db.query('SELECT * FROM secret_key_fingerprints WHERE fingerprint = $1', [fingerprint]);
  return rows[0] ? toFingerprint(rows[0]) : null;
}

/** Records the first fingerprint; a concurrent first use that won keeps its row (read it back). */
export async function recordFirstFingerprint(db: Db, fingerprint: string, keyId: string): Promise<void> {
  await db.query('INSERT INTO secret_key_fingerprints (fingerprint, key_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [fingerprint, keyId]);
}

/** Makes `fingerprint` the only active one, retiring the others. Run inside the rotation's transaction. */
export async function makeFingerprintActive(client: PoolClient, fingerprint: string, keyId: string): Promise<void> {
  await client.query('UPDATE secret_key_fingerprints SET retired_at = now() WHERE retired_at IS NULL AND fingerprint <> $1', [fingerprint]);
  await client.query(
    `INSERT INTO secret_key_fingerprints (fingerprint, key_id) VALUES ($1, $2)
     ON CONFLICT (fingerprint) DO UPDATE SET retired_at = NULL`,
    [fingerprint, keyId],
  );
}

/** The sealed value of the oldest subscription holding one (deleted ones included): the installation's first secret. */
export async function oldestSealedValue(db: Db): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT COALESCE(secrets_enc, authorization_enc, headers_enc) AS sealed FROM subscriptions
     WHERE secrets_enc IS NOT NULL OR authorization_enc IS NOT NULL OR headers_enc IS NOT NULL ORDER BY created_at, id LIMIT 1`,
  );
  return rows[0]?.sealed ?? null;
}

export interface SealedRow {
  id: string;
  values: Partial<Record<(typeof SEALED_COLUMNS)[number], string>>;
}

/** Every subscription row with a sealed value, writes to the table blocked until the transaction ends. */
export async function lockSealedRows(client: PoolClient): Promise<SealedRow[]> {
  await client.query('LOCK TABLE subscriptions IN EXCLUSIVE MODE');
  const { rows } = await client.query(
    `SELECT id, ${SEALED_COLUMNS.join(', ')} FROM subscriptions
     WHERE ${SEALED_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')} ORDER BY id`,
  );
  return rows.map((r) => ({
    id: r.id,
    values: Object.fromEntries(SEALED_COLUMNS.filter((c) => r[c] !== null).map((c) => [c, r[c] as string])),
  }));
}

export async function writeSealedRow(client: PoolClient, row: SealedRow): Promise<void> {
  const columns = Object.keys(row.values);
  if (columns.length === 0) return;
  const sets = columns.map((c, i) => `${c} = $${i + 2}`).join(', ');
  await client.query(`UPDATE subscriptions SET ${sets} WHERE id = $1`, [row.id, ...columns.map((c) => row.values[c as keyof SealedRow['values']])]);
}
