// Measures the dashboard's aggregates on a big attempt log: seeds N attempt rows (1,000,000 by default) into a
// throwaway Postgres cluster, then times each chart / health query alone and whole page loads (the queries a page
// awaits plus its HTML), and prints each query's EXPLAIN (ANALYZE, BUFFERS). Everything is torn down at the end.
//   npx tsx bench/dashboard.ts [--attempts 1000000] [--runs 10] [--no-explain] [--json out.json] [--hold]
// --hold: after seeding, print the database URL and keep the cluster until Ctrl-C (to try queries by hand).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { freePort } from '../dev-support/ports';
import { dashboard, listDeliveries } from '../src/infra/db/deliveries';
import { attemptLatency, dashboardCharts, deliveryVolume } from '../src/app/readModels/dashboardStats';
import { startLocalCluster, type LocalCluster } from '../src/local/localCluster';
import { migrate } from '../src/infra/db/migrate';
import { createPool } from '../src/infra/db/pool';
import { subscriptionHealth } from '../src/app/readModels/subscriptionHealth';
import { h } from 'preact';
import { DashboardChartsSection } from '../src/interfaces/web/components/DashboardCharts';
import { renderFragment } from '../src/interfaces/web/components/render';
import { HealthTable } from '../src/interfaces/web/subscriptions/HealthTable';

interface Options { attempts: number; runs: number; explain: boolean; json: string | null; hold: boolean }

function options(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    attempts: Number(value('--attempts') ?? 1_000_000),
    runs: Number(value('--runs') ?? 10),
    explain: !argv.includes('--no-explain'),
    json: value('--json') ?? null,
    hold: argv.includes('--hold'),
  };
}

const SUBSCRIPTIONS = 25;
/** Attempts per delivery by `i % 20`: 16 first-try successes, 2 × 3 attempts, 2 × 5 attempts: 1.6 on average. */
const ATTEMPTS_PER_DELIVERY = 1.6;

/**
 * One receiver (sub 0) has failed every attempt for the last 36 h; otherwise, by i % 20: 16 deliveries succeed
 * first try, 2 after two retries, 1 fails five times (then failed, or processed for one in three), 1 is retried
 * five times (delivered, or still retrying when younger than 2 h). Deliveries spread over 33 days, newest now.
 */
async function seed(pool: Pool, attempts: number): Promise<void> {
  const deliveries = Math.ceil(attempts / ATTEMPTS_PER_DELIVERY);
  // No autovacuum while seeding (it would compete with it); allVisible() does its work at the end.
  await pool.query('ALTER SYSTEM SET autovacuum = off');
  await pool.query('SELECT pg_reload_conf()');
  await pool.query(
    `INSERT INTO subscriptions (id, name, url, format, events)
     SELECT 'sub_bench' || lpad(n::text, 3, '0'), 'Receiver ' || n, 'https://receiver-' || n || '.example/hooks', 'standard', '"*"'
       FROM generate_series(0, $1 - 1) n`,
    [SUBSCRIPTIONS],
  );
  await pool.query(
    `CREATE UNLOGGED TABLE bench_plan AS
     SELECT i, sub, created_at, 'dlv_' || sub || '_' || left(md5(i::text), 22) AS delivery_id,
            CASE WHEN sub = 'sub_bench000' AND created_at > now() - interval '36 hours' THEN 'failing'
                 WHEN i % 20 < 16 THEN 'first' WHEN i % 20 < 18 THEN 'retried' WHEN i % 20 = 18 THEN 'failed' ELSE 'slow' END AS kind
       FROM (SELECT i, 'sub_bench' || lpad(((hashint4(i) & 2147483647) % $2)::text, 3, '0') AS sub,
                    now() - (i::float8 / $1) * interval '33 days' AS created_at
               FROM generate_series(0, $1 - 1) i) p`,
    [deliveries, SUBSCRIPTIONS],
  );
  await pool.query(
    `CREATE UNLOGGED TABLE bench_attempts AS
     SELECT p.i, p.delivery_id, p.kind, n, k.total, p.created_at + (n - 1) * interval '5 minutes' AS started_at,
            (k.success_last AND n = k.total) AS success, hashint4(p.i * 31 + n) & 1023 AS noise
       FROM bench_plan p
       CROSS JOIN LATERAL (SELECT CASE p.kind WHEN 'first' THEN 1 WHEN 'retried' THEN 3 ELSE 5 END AS total,
                                  p.kind IN ('first', 'retried') OR (p.kind = 'slow' AND p.created_at < now() - interval '2 hours') AS success_last) k
       CROSS JOIN LATERAL generate_series(1, k.total) n
      WHERE p.created_at + (n - 1) * interval '5 minutes' <= now()
      ORDER BY p.i, n LIMIT $1`,
    [attempts],
  );
  await pool.query(
    `INSERT INTO events (id, type, occurred_at, body, body_hash, received_at)
     SELECT 'evt_bench_' || i, 'employee.updated', created_at,
            json_build_object('id', 'evt_bench_' || i, 'type', 'employee.updated', 'data', json_build_object('id', i, 'name', 'Employee ' || i)),
            md5(i::text), created_at
       FROM bench_plan`,
  );
  await pool.query(
    `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, last_status_code, last_error,
                             next_attempt_at, workflow_started, subject_id, subject_name, created_at, updated_at)
     SELECT p.delivery_id, 'evt_bench_' || p.i, p.sub, 'employee.updated', 'standard',
            CASE WHEN a.success THEN 'delivered'
                 WHEN a.n < a.total THEN 'retrying'
                 WHEN p.kind = 'failed' AND p.i % 3 = 0 THEN 'processed'
                 ELSE 'failed' END,
            a.n, CASE WHEN a.success THEN 200 ELSE 503 END, CASE WHEN a.success THEN NULL ELSE 'HTTP 503' END,
            CASE WHEN NOT a.success AND a.n < a.total THEN a.started_at + interval '5 minutes' END,
            true, p.i::text, 'Employee ' || p.i, p.created_at, a.started_at
       FROM bench_plan p
       JOIN (SELECT DISTINCT ON (i) * FROM bench_attempts ORDER BY i, n DESC) a ON a.i = p.i`,
  );
  await pool.query(
    `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body,
                           status_code, response_headers, response_body, error_kind, error_message, outcome)
     SELECT b.delivery_id, b.n, b.started_at,
            CASE WHEN b.success THEN 40 + b.noise / 4 + CASE WHEN b.noise > 1000 THEN 2000 ELSE 0 END
                 WHEN b.noise % 4 = 0 THEN 15000 WHEN b.noise % 4 = 1 THEN 2 ELSE 30 + b.noise / 8 END,
            'https://receiver.example/hooks',
            '{"content-type":"application/json","webhook-id":"msg_2KWPBgLlAfxdpx2AI54pPJ85","webhook-timestamp":"1700000000","webhook-signature":"v1,<redacted>"}'::jsonb,
            '{"type":"employee.updated","timestamp":"2026-11-23T10:00:00.000Z","data":{"id":' || b.i || ',"name":"Employee ' || b.i || '","email":"employee' || b.i || '@example.com","employeeNumber":"' || lpad(b.i::text, 6, '0') || '","department":"Finance","manager":{"id":12,"name":"Ada Lovelace"}}}',
            CASE WHEN b.success THEN 200 WHEN b.noise % 4 >= 2 THEN 503 END,
            CASE WHEN b.success OR b.noise % 4 >= 2 THEN '{"content-type":"text/plain"}'::jsonb END,
            CASE WHEN b.success THEN 'ok' WHEN b.noise % 4 >= 2 THEN 'service unavailable' END,
            CASE WHEN b.success OR b.noise % 4 >= 2 THEN NULL WHEN b.noise % 4 = 0 THEN 'timeout' ELSE 'refused' END,
            CASE WHEN b.success OR b.noise % 4 >= 2 THEN NULL WHEN b.noise % 4 = 0 THEN 'no complete response within 15000 ms' ELSE 'connect ECONNREFUSED' END,
            CASE WHEN b.success THEN 'success' WHEN b.n = b.total AND b.kind <> 'slow' THEN 'failed' ELSE 'retry' END
       FROM bench_attempts b`,
  );
  await pool.query('DROP TABLE bench_plan, bench_attempts');
  for (const table of ['subscriptions', 'events', 'deliveries', 'attempts']) await allVisible(pool, table);
  await pool.query('ALTER SYSTEM RESET autovacuum');
  await pool.query('SELECT pg_reload_conf()');
}

/**
 * VACUUM (FREEZE, ANALYZE) until every page of `table` is all-visible, as autovacuum leaves these insert-mostly
 * tables in time (a VACUUM right after the INSERTs sometimes left attempts' pages unmarked here, and index-only
 * scans then read every row from the heap).
 */
async function allVisible(pool: Pool, table: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await pool.query(`VACUUM (FREEZE, ANALYZE) ${table}`);
    const { rows } = await pool.query('SELECT relallvisible >= relpages AS done FROM pg_class WHERE relname = $1', [table]);
    if (rows[0]?.done) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.warn(`warning: ${table} is not all-visible after 10 VACUUMs: index-only scans will read the heap`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, value];
}

function summary(samples: number[]): { first: number; median: number; p95: number; max: number } {
  const sorted = [...samples.slice(1)].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? samples[0]!;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { first: round(samples[0]!), median: round(at(0.5)), p95: round(at(0.95)), max: round(Math.max(...samples)) };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-dashboard-bench-'));
  fs.chmodSync(dir, 0o755);
  let cluster: LocalCluster | null = null;
  let pool: Pool | null = null;
  const stop = () => {
    cluster?.stop('immediate');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    cluster = startLocalCluster({ dataDir: path.join(dir, 'data'), port: await freePort(), fsync: false, socketDir: path.join(dir, 'sock') });
    pool = createPool(cluster.url, 10);
    await migrate(pool);
    const [seedMs] = await timed(() => seed(pool!, opts.attempts));
    const sizes = (await pool.query(
      `SELECT (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM deliveries)::int AS deliveries,
              (SELECT count(*) FROM subscriptions)::int AS subscriptions, pg_size_pretty(pg_total_relation_size('attempts')) AS attempts_size,
              pg_size_pretty(pg_relation_size('attempts_by_subscription')) AS health_index_size, version() AS version`,
    )).rows[0];
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s: ${JSON.stringify(sizes)}`);
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (opts.hold) {
      console.log(`holding: psql ${cluster.url}  (Ctrl-C to stop)`);
      await new Promise(() => setInterval(() => undefined, 60_000));
    }

    const p = pool;
    const one = (await p.query('SELECT id FROM subscriptions ORDER BY id LIMIT 1')).rows[0].id as string;
    const queries: Record<string, () => Promise<unknown>> = {
      'volume, 24 h by hour': () => deliveryVolume(p, 'hour', 24),
      'volume, 30 d by day': () => deliveryVolume(p, 'day', 30),
      'latency p50/p95, 24 h by hour': () => attemptLatency(p, 'hour', 24),
      'health, all subscriptions': () => subscriptionHealth(p),
      'health, one subscription': () => subscriptionHealth(p, { subscriptionId: one }),
      'counts by status (existing)': () => dashboard(p, 1),
      'to-do list, 200 failed (existing)': () => listDeliveries(p, { status: 'failed', limit: 200 }),
    };
    const pages: Record<string, () => Promise<unknown>> = {
      'to-do page (counts + to-do + 3 charts + HTML)': async () => {
        const [counts, todo, charts] = await Promise.all([dashboard(p, 1), listDeliveries(p, { status: 'failed', limit: 200 }), dashboardCharts(p)]);
        return [counts, todo, renderFragment(h(DashboardChartsSection, { charts })).length];
      },
      'subscriptions health (query + HTML)': async () => renderFragment(h(HealthTable, { list: await subscriptionHealth(p), sort: {} })).length,
      'subscription page (health + 3 charts + HTML)': async () => {
        const [health, charts] = await Promise.all([subscriptionHealth(p, { subscriptionId: one }), dashboardCharts(p, { subscriptionId: one })]);
        return [health, renderFragment(h(DashboardChartsSection, { charts })).length];
      },
    };
    const results: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, fn] of [...Object.entries(queries), ...Object.entries(pages)]) {
      const samples: number[] = [];
      for (let i = 0; i < opts.runs; i++) samples.push((await timed(fn))[0]);
      results[name] = summary(samples);
      console.log(`${name.padEnd(50)} first ${String(results[name].first).padStart(7)} ms   median ${String(results[name].median).padStart(7)} ms   p95 ${String(results[name].p95).padStart(7)} ms`);
    }
    if (opts.explain) await explainAll(p, one);
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ sizes, seedMs, results }, null, 2));
  } finally {
    await pool?.end();
    stop();
  }
}

/** Re-runs each aggregate under EXPLAIN (ANALYZE, BUFFERS): the pooled client it gets explains instead of running. */
async function explainAll(pool: Pool, one: string): Promise<void> {
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['volume, 24 h by hour', () => deliveryVolume(pool, 'hour', 24)],
    ['volume, 30 d by day', () => deliveryVolume(pool, 'day', 30)],
    ['latency p50/p95, 24 h by hour', () => attemptLatency(pool, 'hour', 24)],
    ['health, all subscriptions', () => subscriptionHealth(pool)],
    ['health, one subscription', () => subscriptionHealth(pool, { subscriptionId: one })],
  ];
  const connect = pool.connect.bind(pool);
  for (const [name, call] of calls) {
    let plan = '';
    (pool as { connect: unknown }).connect = async () => {
      const client = await connect();
      const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<{ rows: Record<string, string>[] }>;
      (client as { query: unknown }).query = async (text: string, values?: unknown[]) => {
        if (/^(BEGIN|COMMIT|ROLLBACK)/.test(text)) return query(text, values);
        plan = (await query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n');
        return { rows: [] };
      };
      const release = client.release.bind(client);
      (client as { release: unknown }).release = (err?: Error | boolean) => {
        (client as { query: unknown }).query = query;
        release(err);
      };
      return client;
    };
    try {
      await call();
    } finally {
      (pool as { connect: unknown }).connect = connect;
    }
    console.log(`\n--- EXPLAIN ${name}\n${plan}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
