// The count of failed authentications per client address, in Postgres so every gateway shares it: a fixed
// window per address, refused (429) once the window holds `limit` failures, until it ends. Owns the SQL only;
// which request counts and from which address is src/app/access/authenticateKey.ts's rule. Never stores a presented key.
import type { Pool } from 'pg';
import { hashApiKey } from '../crypto/secretBox';
import type { ApiKey } from './apiKeys';

export interface FailurePolicy {
  limit: number;
  windowMs: number;
}

export interface PresentedKeyCheck {
  /** The key, when it is known and unrevoked (only meaningful when not throttled). */
  key: ApiKey | null;
  /** Seconds until the address may try again; null when it is not throttled. */
  retryAfterSeconds: number | null;
}

/**
 * One round trip, as a plain key lookup was: the key (if known and unrevoked) and whether the address is
 * throttled, so a successful authentication costs nothing more than before.
 */
export async function checkPresentedKey(pool: Pool, key: string, address: string, policy: FailurePolicy): Promise<PresentedKeyCheck> {
  const { rows } = await pool.query(
    `SELECT k.id, k.name, k.scope, k.tenant_id,
            (SELECT greatest(1, ceil(extract(epoch FROM f.window_start + $3::float8 * interval '1 millisecond' - now())))::int
               FROM auth_failures f
              WHERE f.address = $2 AND f.failures >= $4
                AND f.window_start > now() - $3::float8 * interval '1 millisecond') AS retry_after
       FROM (SELECT 1) AS one
       LEFT JOIN api_keys k ON k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(key), address, policy.windowMs, policy.limit],
  );
  const row = rows[0]!;
  return { key: row.id ? { id: row.id, name: row.name, scope: row.scope, tenantId: row.tenant_id ?? null } : null, retryAfterSeconds: row.retry_after ?? null };
}

/** Counts one failure of `address`; returns the seconds until it may retry when this failure reached the limit. */
export async function recordAuthFailure(pool: Pool, address: string, policy: FailurePolicy): Promise<number | null> {
  const { rows } = await pool.query(
    `INSERT INTO auth_failures AS f (address, window_start, failures) VALUES ($1, now(), 1)
     ON CONFLICT (address) DO UPDATE SET
       failures = CASE WHEN f.window_start > now() - $2::float8 * interval '1 millisecond' THEN f.failures + 1 ELSE 1 END,
       window_start = CASE WHEN f.window_start > now() - $2::float8 * interval '1 millisecond' THEN f.window_start ELSE now() END
     RETURNING failures,
       greatest(1, ceil(extract(epoch FROM window_start + $2::float8 * interval '1 millisecond' - now())))::int AS retry_after`,
    [address, policy.windowMs],
  );
  const row = rows[0]!;
  if (row.failures === 1) await forgetOldWindows(pool, policy);
  return row.failures > policy.limit ? row.retry_after : null;
}

/** Bounded clean-up, run when a new window opens: rows whose window ended over an hour ago. */
async function forgetOldWindows(pool: Pool, policy: FailurePolicy): Promise<void> {
  await pool.query(
    `DELETE FROM auth_failures WHERE address IN (
       SELECT address FROM auth_failures
        WHERE window_start < now() - $1::float8 * interval '1 millisecond' - interval '1 hour' LIMIT 100)`,
    [policy.windowMs],
  );
}
