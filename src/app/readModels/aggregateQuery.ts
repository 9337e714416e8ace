// Runs one read-only aggregate (the dashboard charts, subscription health) with Postgres JIT compilation off:
// their plans cost enough to trigger JIT, whose LLVM compilation took longer than the query itself (1.5 s of a
// 1.7 s health query on 1 M attempts, bench/README.md). Three round trips on one pooled connection.
import type { Pool, QueryResult } from 'pg';

export async function aggregateQuery(pool: Pool, text: string, values: unknown[]): Promise<QueryResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL jit = off');
    const result = await client.query(text, values);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
