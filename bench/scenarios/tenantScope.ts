// Scenario "tenant-scope": what row-level security costs a tenant's reads. Two tenants' deliveries are
// written straight into Postgres (not delivered: this measures the read path only), then the follow-up
// screen's queries (rows marked started: no workflow is ever started for them) run alternately on the connecting role with an explicit tenant filter (`raw`) and through
// the tenant's scoped pool (src/infra/db/tenantScope.ts: its own transaction, SET LOCAL role and tenant, the
// policy on every row; `scoped`), interleaved so drift in the machine's load hits both alike.
import { tenantPool } from '../../src/infra/db/tenantScope';
import { round } from '../percentiles';
import { now, runId, type Scenario } from './scenario';

const LIST = `SELECT d.id, d.status, d.event_type, d.created_at FROM deliveries d
  WHERE d.tenant_id = $1 AND d.status = 'failed' ORDER BY d.created_at DESC, d.id DESC LIMIT 50`;
const POINT = 'SELECT d.* FROM deliveries d WHERE d.tenant_id = $1 AND d.id = $2';

export const tenantScope: Scenario = {
  name: 'tenant-scope',
  async run({ stack, sizes, log }) {
    const rows = sizes.tenantScopeRows;
    const tenants = [`bench-a-${runId}`, `bench-b-${runId}`];
    const pool = stack.pool;
    await pool.query(`INSERT INTO tenants (id, name) SELECT t, t FROM unnest($1::text[]) AS t`, [tenants]);
    for (const [i, tenant] of tenants.entries()) {
      const sub = `sub_benchscope_${runId}_${i}`;
      await pool.query(`INSERT INTO subscriptions (id, name, url, format, events, tenant_id) VALUES ($1, $1, 'http://127.0.0.1:9/x', 'standard', '"*"', $2)`, [sub, tenant]);
      await pool.query(
        `INSERT INTO events (id, type, occurred_at, body, body_hash, tenant_id)
         SELECT 'e' || g, 'employee.updated', now(), '{}', 'h', $2 FROM generate_series(1, $1::int) g`, [rows, tenant]);
      await pool.query(
        `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, tenant_id, workflow_started)
         SELECT $3 || '_' || g, 'e' || g, $3, 'employee.updated', 'standard', CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'delivered' END, $2, true
           FROM generate_series(1, $1::int) g`, [rows, tenant, sub]);
    }
    await pool.query('ANALYZE deliveries');
    log(`${rows} deliveries in each of 2 tenants; timing list and point reads, raw vs scoped`);
    const scoped = tenantPool(pool, tenants[0]!);
    const pointId = `sub_benchscope_${runId}_0_${Math.ceil(rows / 2)}`;
    const times = { rawList: 0, scopedList: 0, rawPoint: 0, scopedPoint: 0 };
    const rounds = sizes.tenantScopeQueries;
    const timed = async (key: keyof typeof times, work: () => Promise<unknown>) => {
      const started = now();
      await work();
      times[key] += now() - started;
    };
    for (let i = 0; i < rounds; i += 1) {
      await timed('rawList', () => pool.query(LIST, [tenants[0]]));
      await timed('scopedList', () => scoped.query(LIST, [tenants[0]]));
      await timed('rawPoint', () => pool.query(POINT, [tenants[0], pointId]));
      await timed('scopedPoint', () => scoped.query(POINT, [tenants[0], pointId]));
    }
    const leaked = await scoped.query('SELECT count(*)::int AS n FROM deliveries WHERE tenant_id <> $1', [tenants[0]]);
    for (const tenant of tenants) {
      await pool.query('DELETE FROM deliveries WHERE tenant_id = $1', [tenant]);
      await pool.query('DELETE FROM events WHERE tenant_id = $1', [tenant]);
      await pool.query('DELETE FROM subscriptions WHERE tenant_id = $1', [tenant]);
      await pool.query('DELETE FROM tenants WHERE id = $1', [tenant]);
    }
    const ms = (total: number) => round(total / rounds, 3);
    return {
      figures: {
        rows,
        queries: rounds,
        rawListMs: ms(times.rawList),
        scopedListMs: ms(times.scopedList),
        listScopedOverRaw: round(times.scopedList / times.rawList, 2),
        rawPointMs: ms(times.rawPoint),
        scopedPointMs: ms(times.scopedPoint),
        pointScopedOverRaw: round(times.scopedPoint / times.rawPoint, 2),
        otherTenantRowsSeenScoped: leaked.rows[0].n,
      },
      notes: [
        'scoped = one statement in its own transaction as role hrhooks_tenant (BEGIN; SET LOCAL ROLE; SET LOCAL hrhooks.tenant — one round trip — then the query, then COMMIT); raw = the query alone',
        'otherTenantRowsSeenScoped must be 0: the scoped query asks for every other tenant\'s rows and row-level security hides them',
      ],
    };
  },
};
