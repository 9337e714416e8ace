// `npx tsx bench/ingestLimit.ts [calls]`: what limits.eventsPerSecond costs a posted event. On a throwaway Postgres
// (fsync off, like the bench), times the token-bucket statement (src/infra/db/tenantLimits.ts) one call at a time
// against a bare `SELECT 1` round trip and a one-row UPDATE, then 32 callers at once on one tenant's row (the hot-row case) and on 32 tenants.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { freePort } from '../dev-support/ports';
import { ingestRateOf } from '../src/app/tenants/limits';
import { migrate } from '../src/infra/db/migrate';
import { takeIngestToken } from '../src/infra/db/tenantLimits';
import { startLocalCluster } from '../src/local/localCluster';
import { round, summary } from './percentiles';

const calls = Number(process.argv[2] ?? 5000);
const RATE = ingestRateOf(1_000_000); // never refuses: every call takes the update path

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push((performance.now() - t0) * 1000);
  }
  return samples;
}

async function concurrent(n: number, callers: number, fn: (caller: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: callers }, async (_, caller) => {
    while (next++ < n) await fn(caller);
  }));
  return n / ((performance.now() - t0) / 1000);
}

function line(name: string, us: number[]): string {
  const s = summary(us);
  return `${name}: p50 ${round(s.p50)} µs, p99 ${round(s.p99)} µs (${us.length} calls)`;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-limit-'));
  fs.chmodSync(dir, 0o755);
  const cluster = startLocalCluster({ dataDir: path.join(dir, 'pg'), port: await freePort(), fsync: false, socketDir: path.join(dir, 'sock') });
  const pool = new Pool({ connectionString: cluster.url, max: 32 });
  try {
    await migrate(pool);
    const tenants = Array.from({ length: 32 }, (_, i) => `bench-${i}`);
    for (const id of tenants) await pool.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [id]);
    await timed(500, () => takeIngestToken(pool, 'bench-0', RATE)); // warm-up
    const bare = await timed(calls, () => pool.query('SELECT 1'));
    const write = await timed(calls, () => pool.query('UPDATE tenants SET updated_at = now() WHERE id = $1', ['bench-1']));
    const bucket = await timed(calls, () => takeIngestToken(pool, 'bench-0', RATE));
    const hotRow = await concurrent(calls, 32, () => takeIngestToken(pool, 'bench-0', RATE));
    const spread = await concurrent(calls, 32, (caller) => takeIngestToken(pool, tenants[caller]!, RATE));
    const bareConcurrent = await concurrent(calls, 32, () => pool.query('SELECT 1'));
    process.stdout.write([
      line('SELECT 1 (one round trip)', bare),
      line('one-row UPDATE (the cheapest write)', write),
      line('token bucket (one statement)', bucket),
      `32 callers, one tenant: ${round(hotRow, 0)} admissions/s; 32 tenants: ${round(spread, 0)} /s; SELECT 1: ${round(bareConcurrent, 0)} /s`,
    ].join('\n') + '\n');
  } finally {
    await pool.end();
    cluster.stop('immediate');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
