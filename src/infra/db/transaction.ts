// Runs work in one Postgres transaction: commit on success, roll back on any error.
// A connection that dies mid-transaction (Postgres stopped) becomes a rejected
// promise here, never an uncaught 'error' event, and the broken client is discarded.
import type { Pool, PoolClient } from 'pg';

const ignore = () => undefined;

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  client.on('error', ignore);
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err as Error;
    await client.query('ROLLBACK').catch(ignore);
    throw err;
  } finally {
    if (!failure) client.off('error', ignore);
    client.release(failure);
  }
}
