// Creates the pg connection pool. Errors on idle clients are logged, never fatal:
// Postgres may restart under us and the pool reconnects on the next query.
import { Pool } from 'pg';

export function createPool(url: string, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined);
  return pool;
}
