// The statements retention runs (issue 23 item 5; the rules: src/domain/retention/policy.ts, the order:
// src/app/retention/run.ts): day partitions of `attempts` created ahead and dropped once expired (attempts of
// open deliveries moved out first), bodies stripped and closed deliveries / events deleted row by row, in paced batches.
import type { Pool } from 'pg';
import { CLOSED } from './ordering';
import { inTransaction } from './transaction';

/** Rows one statement changes at most: short transactions, no long lock on what the workers write. */
export const RETENTION_BATCH = 1_000;

/** Called after each row-wise batch with how long it took: the caller paces the run (src/app/retention/run.ts). */
export type Pace = (batchMs: number) => Promise<void>;
const unpaced: Pace = async () => undefined;

/** Runs `batch` until it reports fewer rows than `size`, pacing between batches; sums its counts. */
async function inBatches(size: number, pace: Pace, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const n = await batch();
    total += n;
    if (n < size) return total;
    await pace(performance.now() - started);
  }
}

const PARTITION_NAME = /^attempts_p(\d{4})(\d{2})(\d{2})$/;

export interface DayPartition {
  name: string;
  /** The UTC day it holds (its start). */
  day: Date;
}

/** Creates the partitions of these UTC days that do not exist yet; how many it created. */
export async function ensureDayPartitions(pool: Pool, days: Date[]): Promise<number> {
  let created = 0;
  for (const day of days) {
    const { rows } = await pool.query('SELECT attempts_partition_ensure($1::date) AS created', [day.toISOString().slice(0, 10)]);
    if (rows[0].created) created += 1;
  }
  return created;
}

/** The day partitions of `attempts`, oldest first (the default partition is not one). */
export async function listDayPartitions(pool: Pool): Promise<DayPartition[]> {
  const { rows } = await pool.query(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'attempts'::regclass ORDER BY c.relname`,
  );
  return rows.flatMap((r) => {
    const m = PARTITION_NAME.exec(r.relname as string);
    return m ? [{ name: r.relname as string, day: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) }] : [];
  });
}

/**
 * Drops one day partition in one short transaction: its rows of deliveries still open are copied aside, the
 * partition detached, those rows inserted again (no partition holds their day now: they land in the default
 * partition), the partition dropped. Returns the attempts kept. Waits at most `lockTimeoutMs` for the parent's lock.
 */
export async function dropDayPartition(pool: Pool, partition: DayPartition, lockTimeoutMs = 5_000): Promise<{ kept: number; dropped: number }> {
  if (!PARTITION_NAME.test(partition.name)) throw new Error(`not a day partition: ${partition.name}`);
  const table = `"${partition.name}"`;
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
    // no attempt written into that day meanwhile
    await client.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
    const total = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    const kept = await client.query(
      `CREATE TEMP TABLE retention_keep ON COMMIT DROP AS
         SELECT a.* FROM attempts a
          WHERE a.started_at >= $1 AND a.started_at < $1::timestamptz + interval '1 day'
            AND a.delivery_id IN (SELECT id FROM deliveries WHERE status NOT IN ${CLOSED})`,
      [partition.day.toISOString()],
    );
    await client.query(`ALTER TABLE attempts DETACH PARTITION ${table}`);
    await client.query('INSERT INTO attempts SELECT * FROM retention_keep');
    await client.query(`DROP TABLE ${table}`);
    return { kept: kept.rowCount ?? 0, dropped: total - (kept.rowCount ?? 0) };
  });
}

/** Drops the request and response bodies of the tenant's closed deliveries' attempts started before `before`. */
export async function stripBodies(pool: Pool, tenantId: string, before: Date, pace: Pace = unpaced, batch = RETENTION_BATCH): Promise<number> {
  return inBatches(batch, pace, async () => {
    const { rowCount } = await pool.query(
      `WITH due AS (
         SELECT a.delivery_id, a.number, a.started_at FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE a.tenant_id = $1 AND a.started_at < $2 AND a.bodies_dropped_at IS NULL AND d.status IN ${CLOSED}
          LIMIT $3)
       UPDATE attempts a SET request_body = '', response_body = NULL, bodies_dropped_at = now()
         FROM due WHERE a.delivery_id = due.delivery_id AND a.number = due.number AND a.started_at = due.started_at`,
      [tenantId, before, batch],
    );
    return rowCount ?? 0;
  });
}

/** Deletes the tenant's closed deliveries created before `before` with their attempts; then its events received before it that have no delivery left. */
export async function deleteExpired(pool: Pool, tenantId: string, before: Date, pace: Pace = unpaced, batch = RETENTION_BATCH): Promise<{ attempts: number; deliveries: number; events: number }> {
  let attempts = 0;
  const deliveries = await inBatches(batch, pace, async () => {
    const { rows } = await pool.query(
      `WITH doomed AS (
         SELECT id FROM deliveries WHERE tenant_id = $1 AND created_at < $2 AND status IN ${CLOSED}
          LIMIT $3 FOR UPDATE SKIP LOCKED),
       gone_attempts AS (DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM doomed) RETURNING 1),
       gone AS (DELETE FROM deliveries WHERE id IN (SELECT id FROM doomed) AND (SELECT count(*) FROM gone_attempts) >= 0 RETURNING 1)
       SELECT (SELECT count(*) FROM gone_attempts)::int AS attempts, (SELECT count(*) FROM gone)::int AS deliveries`,
      [tenantId, before, batch],
    );
    attempts += rows[0].attempts as number;
    return rows[0].deliveries as number;
  });
  const events = await inBatches(batch, pace, async () => {
    const { rowCount } = await pool.query(
      `WITH doomed AS (
         SELECT e.id FROM events e WHERE e.tenant_id = $1 AND e.received_at < $2
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.tenant_id = e.tenant_id AND d.event_id = e.id)
          LIMIT $3)
       DELETE FROM events e USING doomed WHERE e.tenant_id = $1 AND e.id = doomed.id`,
      [tenantId, before, batch],
    );
    return rowCount ?? 0;
  });
  return { attempts, deliveries, events };
}

const RUN_LOCK = 0x68726b72; // "hrkr"

/**
 * Runs `run` unless another retention run holds the lock (another worker, or a local activity executed again
 * while the first is still going): null then. A session lock on a connection of its own, freed if the process dies.
 */
export async function exclusively<T>(pool: Pool, run: () => Promise<T>): Promise<T | null> {
  const client = await pool.connect();
  try {
    if (!(await client.query('SELECT pg_try_advisory_lock($1) AS got', [RUN_LOCK])).rows[0].got) return null;
    try {
      return await run();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** Every tenant (deleted ones too: their rows age like the others) and its own retention, as stored. */
export async function tenantRetentions(pool: Pool): Promise<Array<{ tenantId: string; retention: { events?: string; bodies?: string } }>> {
  const { rows } = await pool.query('SELECT id, retention FROM tenants ORDER BY id');
  return rows.map((r) => ({ tenantId: r.id as string, retention: r.retention ?? {} }));
}
