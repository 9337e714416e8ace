// One tenant's view of the database: a `Pool` drop-in whose every statement runs as the role `hrhooks_tenant`
// with `hrhooks.tenant` set, so Postgres row-level security (migration 012) shows and accepts that tenant's rows
// only — a query that forgets its tenant filter returns nothing of another tenant. A lone statement runs in
// its own transaction (SET LOCAL: nothing outlives it); a client taken with connect() carries the scope for
// the session and drops it before going back to the pool.
import type { Pool, PoolClient, QueryResult } from 'pg';
import { isTenantId } from '../../domain/tenants/tenantId';

const SCOPED = Symbol('hrhooks.tenantScope');

function scopeStatement(tenantId: string, local: boolean): string {
  // the id is checked against [A-Za-z0-9._-]{1,64}: nothing in it needs quoting
  const set = local ? 'SET LOCAL' : 'SET';
  return `${set} ROLE hrhooks_tenant; ${set} hrhooks.tenant = '${tenantId}'`;
}

const UNSCOPE = 'RESET ROLE; RESET hrhooks.tenant';

const ignore = () => undefined;

function scopedClient(client: PoolClient, onRelease: (err?: Error | boolean) => void): PoolClient {
  const release = (err?: Error | boolean) => {
    if (err) return onRelease(err);
    client.on('error', ignore);
    client.query(UNSCOPE).then(
      () => {
        client.off('error', ignore);
        onRelease();
      },
      (failed: Error) => onRelease(failed),
    );
  };
  return Object.assign(client, { release });
}

/** The tenant a scoped pool works for; null for the whole database (the connecting role). */
export function scopeOf(pool: Pool): string | null {
  return (pool as unknown as Record<symbol, string | undefined>)[SCOPED] ?? null;
}

/** A pool whose statements see and write `tenantId`'s rows only. */
export function tenantPool(pool: Pool, tenantId: string): Pool {
  if (!isTenantId(tenantId)) throw new Error(`not a tenant id: ${JSON.stringify(tenantId)}`);
  const inherited = scopeOf(pool);
  const base = inherited === null ? pool : (pool as unknown as { base: Pool }).base;
  const connect = async (): Promise<PoolClient> => {
    const client = await base.connect();
    const originalRelease = client.release.bind(client);
    // a connection dying here (Postgres stopped) is this promise's rejection, never an uncaught 'error' event
    client.on('error', ignore);
    try {
      await client.query(scopeStatement(tenantId, false));
    } catch (err) {
      originalRelease(err as Error);
      throw err;
    } finally {
      client.off('error', ignore);
    }
    return scopedClient(client, originalRelease);
  };
  const query = async (...args: unknown[]): Promise<QueryResult> => {
    const client = await base.connect();
    client.on('error', ignore);
    let failure: Error | undefined;
    try {
      await client.query(`BEGIN; ${scopeStatement(tenantId, true)}`);
      const result = await (client.query as (...a: unknown[]) => Promise<QueryResult>)(...args);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      failure = err as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', ignore);
      client.release(failure);
    }
  };
  const scoped = { [SCOPED]: tenantId, base, connect, query, on: () => scoped, end: () => Promise.resolve() };
  return scoped as unknown as Pool;
}
