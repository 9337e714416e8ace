// Creates the pg connection pool. An error on an idle client (Postgres restarted, a connection cut) is
// dropped, never fatal: pg discards that client and the next query connects anew; a query that fails is
// reported by its caller.
import { Pool } from 'pg';

export function createPool(url: string, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined);
  return pool;
}
