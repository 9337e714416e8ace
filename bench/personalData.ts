// `npx tsx bench/personalData.ts [deliveries] [employees]`: what sealing personal data at rest (issue 23) adds to the
// worker's CPU per delivery. On a throwaway Postgres, runs the send path's personal-data steps as the worker runs
// them (open the event body read from Postgres, take the event's key to seal the attempt, seal the request and
// response bodies) with data keys on, against the same steps on a clear row (keys off: pass-through), measured
// with process.cpuUsage; then what a key costs when it is not cached (one SELECT and an unwrap).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { freePort } from '../dev-support/ports';
import { migrate } from '../src/infra/db/migrate';
import { configureDataKeys, forgetEmployee, openValues, sealerFor, sealerLike } from '../src/infra/db/employeeKeys';
import { startLocalCluster } from '../src/local/localCluster';

const deliveries = Number(process.argv[2] ?? 20_000);
const employees = Number(process.argv[3] ?? 1_000);
const PAYLOAD_KEY = 'bench-payload-key-0123456789-0123456789';

const eventOf = (i: number) => ({
  id: `evt-${i}`, type: 'leave.approved', occurredAt: '2026-01-03T09:00:00Z',
  data: {
    id: i, owner: { id: `E${i % employees}`, name: 'Ada Lovelace', email: 'ada.lovelace@example.com', employeeNumber: '00042' },
    leaveAccount: { id: 7, name: 'Sick leave', categoryId: 3, categoryName: 'Sick leave', unit: 'days' },
    start: { date: '2026-01-05', half: 'AM' }, end: { date: '2026-01-06', half: 'PM' }, halfDays: null, durationInHours: null,
    isConfirmed: true, confirmationDate: '2026-01-03T09:00:00', isCancelled: false, cancellationDate: null, creationDate: '2026-01-02T09:00:00',
  },
});
const RESPONSE = '{"received":true}';

/** The rows as pg hands them to the worker: the json column parsed (a clear object, or the envelope string). */
async function storedRows(pool: Pool, sealed: boolean): Promise<Array<{ body: unknown; tenant: string; employee: string }>> {
  const rows = [];
  for (let i = 0; i < deliveries; i++) {
    const event = eventOf(i);
    const text = JSON.stringify(event);
    const employee = event.data.owner.id;
    const body = sealed ? (await sealerFor(pool, 'default', employee))(text) : JSON.parse(text);
    rows.push({ body: JSON.parse(JSON.stringify(body)), tenant: 'default', employee });
  }
  return rows;
}

/** The worker's personal-data steps for one delivery (deliveryLog.ts + activities/post.ts), CPU µs per delivery. */
async function sendPathCpu(pool: Pool, rows: Array<{ body: unknown; tenant: string; employee: string }>): Promise<number> {
  const t0 = process.cpuUsage();
  for (const row of rows) {
    const [opened] = await openValues(pool, [row.body]);
    const event = typeof opened === 'string' ? JSON.parse(opened) : opened;
    const seal = await sealerLike(pool, row.body, row.tenant, row.employee);
    const request = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event.data });
    seal(request);
    seal(RESPONSE);
  }
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / rows.length;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-pd-'));
  fs.chmodSync(dir, 0o755);
  const cluster = startLocalCluster({ dataDir: path.join(dir, 'pg'), port: await freePort(), fsync: false, socketDir: path.join(dir, 'sock') });
  const pool = new Pool({ connectionString: cluster.url, max: 4 });
  try {
    await migrate(pool);
    configureDataKeys(PAYLOAD_KEY);
    const sealed = await storedRows(pool, true);
    const clear = await storedRows(pool, false);
    await sendPathCpu(pool, sealed.slice(0, 2000)); // warm-up (JIT), keys cached
    const results: Record<string, number[]> = { on: [], off: [] };
    for (let round = 0; round < 3; round++) {
      configureDataKeys(PAYLOAD_KEY);
      await sendPathCpu(pool, sealed.slice(0, employees)); // keys back in the cache (configuring empties it)
      results.on!.push(await sendPathCpu(pool, sealed));
      configureDataKeys(null);
      results.off!.push(await sendPathCpu(pool, clear));
    }
    configureDataKeys(PAYLOAD_KEY);
    const cold: number[] = [];
    for (let i = 0; i < 200; i++) {
      const row = sealed[i]!;
      forgetEmployee(row.tenant, row.employee);
      const t0 = performance.now();
      await openValues(pool, [row.body]);
      cold.push((performance.now() - t0) * 1000);
    }
    const best = (xs: number[]) => Math.min(...xs).toFixed(1);
    cold.sort((a, b) => a - b);
    process.stdout.write([
      `${deliveries} deliveries, ${employees} employees, keys cached (LRU 10,000, 30 s)`,
      `send path, personal-data steps, CPU per delivery: data keys on ${best(results.on!)} µs, off ${best(results.off!)} µs (best of 3; all: on ${results.on!.map((x) => x.toFixed(1)).join(', ')}; off ${results.off!.map((x) => x.toFixed(1)).join(', ')})`,
      `a key not cached (SELECT + unwrap), wall time: p50 ${cold[100]!.toFixed(0)} µs, p99 ${cold[197]!.toFixed(0)} µs`,
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
