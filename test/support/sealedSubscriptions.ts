// Subscriptions rows written straight into a test database with secrets sealed by a given SecretBox,
// so key checks and rotation can be tested against rows sealed under any key.
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { SecretBox } from '../../src/infra/crypto/secretBox';

export interface SealedFixture {
  id: string;
  secret: string;
  authorization: string | null;
}

export async function insertSealedSubscription(
  pool: Pool,
  box: SecretBox,
  opts: { authorization?: string | null; deleted?: boolean; url?: string; retrySchedule?: string[]; events?: string[] | '*' } = {},
): Promise<SealedFixture> {
  const id = `sub_${crypto.randomBytes(6).toString('hex')}`;
  const secret = `whsec_${crypto.randomBytes(24).toString('base64')}`;
  const authorization = opts.authorization === undefined ? `Bearer ${crypto.randomBytes(12).toString('hex')}` : opts.authorization;
  await pool.query(
    `INSERT INTO subscriptions (id, name, url, format, events, authorization_enc, secrets_enc, deleted_at, retry_schedule)
     VALUES ($1, $1, $5, 'standard', $6, $2, $3, $4, $7)`,
    [
      id, authorization ? box.seal(authorization) : null, box.seal(JSON.stringify([{ secret, expiresAt: null }])), opts.deleted ? new Date() : null,
      opts.url ?? 'https://receiver.example/hook', JSON.stringify(opts.events ?? '*'), opts.retrySchedule ? JSON.stringify(opts.retrySchedule) : null,
    ],
  );
  return { id, secret, authorization };
}

export async function sealedValues(pool: Pool, id: string): Promise<{ authorization: string | null; secrets: string | null }> {
  const { rows } = await pool.query('SELECT authorization_enc, secrets_enc FROM subscriptions WHERE id = $1', [id]);
  return { authorization: rows[0].authorization_enc, secrets: rows[0].secrets_enc };
}
