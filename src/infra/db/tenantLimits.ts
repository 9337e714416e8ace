// The SQL of per-tenant limits (migration 014): the ingest token bucket every gateway shares (one statement a
// posted event) and the refusal the subscriptions trigger raises. Which limit applies when is ../../app/tenants/limits.ts's.
import type { Pool } from 'pg';

export interface IngestRate {
  /** Milliseconds between two events at the sustained rate (1000 / eventsPerSecond). */
  intervalMs: number;
  /** How far ahead of now the bucket may run: (burst - 1) intervals. */
  toleranceMs: number;
}

export interface IngestTake {
  admitted: boolean;
  /** When refused: milliseconds until an event would be admitted (from the bucket as this statement saw it). */
  waitMs: number;
}

/**
 * Takes one event's place in the tenant's bucket, or refuses it without changing the bucket. One statement:
 * the upsert moves `tat` on only when it is within the tolerance (row-locked, so concurrent gateways agree);
 * the CTE `prev` reads the bucket as it was, for the wait of a refusal.
 */
export async function takeIngestToken(pool: Pool, tenantId: string, rate: IngestRate): Promise<IngestTake> {
  const { rows } = await pool.query(
    `WITH prev AS (SELECT tat FROM tenant_ingest WHERE tenant_id = $1),
          taken AS (
            INSERT INTO tenant_ingest AS b (tenant_id, tat) VALUES ($1, now() + $2::float8 * interval '1 ms')
            ON CONFLICT (tenant_id) DO UPDATE SET tat = greatest(b.tat, now()) + $2::float8 * interval '1 ms'
             WHERE b.tat <= now() + $3::float8 * interval '1 ms'
            RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM taken) AS admitted,
            (SELECT extract(epoch FROM tat - now()) * 1000 - $3::float8 FROM prev) AS wait_ms`,
    [tenantId, rate.intervalMs, rate.toleranceMs],
  );
  const row = rows[0]!;
  return { admitted: row.admitted === true, waitMs: Math.max(0, Number(row.wait_ms ?? 0)) };
}

/** The SQLSTATE of migration 014's trigger when a tenant is at its limits.subscriptions. */
const SUBSCRIPTION_LIMIT = 'HRL01';

/** The limit when `err` is the subscriptions trigger refusing a creation; null for any other error. */
export function subscriptionLimitOf(err: unknown): number | null {
  const e = err as { code?: unknown; detail?: unknown } | null;
  if (!e || e.code !== SUBSCRIPTION_LIMIT) return null;
  const limit = Number(e.detail);
  return Number.isFinite(limit) ? limit : null;
}
