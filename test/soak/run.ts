// `npm run soak [-- --duration 10m --rate 5 --fail 0.2 --restart-every 60s --temporal dev|server]`: a
// bounded soak on 127.0.0.1. Own Postgres and Temporal (the dev server; with `--temporal server` the
// real server on that Postgres, src/local/realServer.ts), the gateway in this
// process, a worker child restarted every few seconds (SIGTERM and SIGKILL in
// turn), a receiver failing a random share of requests. At the end it
// reconciles what was accepted with what the receiver acknowledged.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/infra/config';
import { startLocalCluster } from '../../src/local/localCluster';
import { createPool } from '../../src/infra/db/pool';
import { aspnetWorkItemId, standardMessageId } from '../../src/domain/formats/identity';
import { startGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { parseDuration } from '../../src/domain/delivery/ladder';
import { startDevServer } from '../../src/local/devServer';
import { startRealServer } from '../../src/local/realServer';
import { freePort } from '../../dev-support/ports';
import { spawnWorker, type WorkerChild } from '../support/processes';
import { startReceiver, type RecordedRequest } from '../support/receiver';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY } from '../support/temporal';
import { createFaults, FAULT_EVENT_TYPE } from './faults';

const say = (line: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10m' },
    rate: { type: 'string', default: '5' },
    fail: { type: 'string', default: '0.2' },
    'restart-every': { type: 'string', default: '' },
    'drain-timeout': { type: 'string', default: '120s' },
    temporal: { type: 'string', default: 'dev' },
  },
});
if (values.temporal !== 'dev' && values.temporal !== 'server') throw new Error(`--temporal ${values.temporal}: expected dev or server`);
const durationMs = parseDuration(values.duration!);
const rate = Number(values.rate);
const failShare = Number(values.fail);
const restartEveryMs = values['restart-every'] ? parseDuration(values['restart-every']) : Math.max(15_000, Math.min(180_000, durationMs / 4));
const drainTimeoutMs = parseDuration(values['drain-timeout']!);

function messageIdOf(req: RecordedRequest): string | null {
  if (req.headers['webhook-id']) return String(req.headers['webhook-id']);
  try {
    return String(JSON.parse(req.body.toString('utf8')).Id);
  } catch {
    return null;
  }
}

/** Where the deliveries the receiver never acknowledged stand in Postgres, so a failed soak says why. */
async function explainMissing(pool: ReturnType<typeof createPool>, deliveryIds: string[]): Promise<void> {
  const groups = await pool.query(
    `SELECT d.status, d.waiting_for, d.workflow_started, count(*)::int AS n, min(d.attempts) AS min_attempts, max(d.attempts) AS max_attempts,
            min(d.next_attempt_at) AS next_min, max(d.updated_at) AS updated_max
     FROM deliveries d WHERE d.id = ANY($1::text[]) GROUP BY 1, 2, 3 ORDER BY n DESC`, [deliveryIds]);
  say(`missing deliveries by state: ${JSON.stringify(groups.rows)}`);
  const samples = await pool.query(
    `SELECT d.id, d.subscription_id, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.updated_at,
            (SELECT json_agg(json_build_object('n', a.number, 'at', a.started_at, 'ms', a.duration_ms, 'status', a.status_code, 'outcome', a.outcome, 'error', a.error_kind || ': ' || a.error_message) ORDER BY a.number)
               FROM attempts a WHERE a.delivery_id = d.id) AS attempts_made
     FROM deliveries d WHERE d.id = ANY($1::text[]) ORDER BY d.created_at LIMIT 5`, [deliveryIds]);
  for (const row of samples.rows) say(`missing: ${JSON.stringify(row)}`);
  const flow = await pool.query(
    `SELECT f.*, (SELECT count(*)::int FROM flow_leases l WHERE l.subscription_id = f.subscription_id AND l.expires_at > now()) AS leases
     FROM flow_control f`);
  say(`flow control: ${JSON.stringify(flow.rows)}`);
}

async function main(): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-soak-'));
  fs.chmodSync(scratch, 0o755);
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => fs.rmSync(scratch, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve().then(c).catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const pg = startLocalCluster({ dataDir: path.join(scratch, 'pg'), port: await freePort(), fsync: false, socketDir: path.join(scratch, 'sock') });
    cleanups.push(() => pg.stop('immediate'));
    const temporal = values.temporal === 'server'
      ? await startRealServer({ postgresUrl: pg.url, dir: path.join(scratch, 'temporal') })
      : await startDevServer({ port: await freePort(), headless: true, dbFile: path.join(scratch, 'temporal.sqlite'), sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'] });
    cleanups.push(() => temporal.stop());
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const answered = new Map<RecordedRequest, number>();
    let faultReply: (path: string) => ReturnType<Awaited<ReturnType<typeof createFaults>>['reply']> = () => null;
    receiver.respondWith((req) => {
      const fault = faultReply(req.path);
      if (fault) return fault;
      const status = Math.random() < failShare ? 503 : 200;
      answered.set(req, status);
      return { status };
    });
    const admin = `soak-admin-${crypto.randomBytes(12).toString('hex')}`;
    const producer = `soak-producer-${crypto.randomBytes(12).toString('hex')}`;
    const taskQueue = `soak-${crypto.randomBytes(4).toString('hex')}`;
    const config = loadConfig({
      DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, PORT: String(await freePort()),
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, HRHOOKS_ADMIN_KEY: admin, HRHOOKS_PRODUCER_KEY: producer,
      HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', HRHOOKS_RATE_LIMIT: '1000000', HRHOOKS_DATA_DIR: scratch, LOG_LEVEL: 'error',
    });
    const gateway = await startGateway(config, createLogger('error', 'gateway'));
    cleanups.push(() => gateway.stop());
    const call = async (key: string, method: string, route: string, body?: unknown) => {
      const res = await fetch(`${gateway.url}${route}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    const ladder = ['1s', '1s', '2s', '2s', '4s', '4s', '8s', '8s'];
    const subs: Array<{ id: string; format: 'standard' | 'aspnet' }> = [];
    for (const format of ['standard', 'aspnet'] as const) {
      const created = await call(admin, 'POST', '/v1/subscriptions', { name: `soak ${format}`, url: `${receiver.url}/${format}`, format, events: '*', retrySchedule: ladder });
      if (created.status !== 201) throw new Error(`could not create a subscription: ${JSON.stringify(created.body)}`);
      subs.push({ id: created.body.id, format });
    }
    const pool = createPool(pg.url, 2);
    cleanups.push(() => pool.end());
    const faults = await createFaults(pool, (method, route, body) => call(admin, method, route, body), receiver);
    cleanups.push(() => faults.stop());
    faultReply = (p) => faults.reply(p);
    // A worker that dies or never gets ready on its own (not by this soak's kill) is said at once, with its output.
    const stopping = new Set<WorkerChild>();
    const watched = (w: WorkerChild): WorkerChild => {
      w.ready.catch((err: Error) => !stopping.has(w) && say(`worker ${w.pid} not ready: ${err.message.slice(-2_000)}`));
      void w.exited.then(({ code, signal }) => !stopping.has(w) && say(`worker ${w.pid} exited on its own (code ${code}, signal ${signal}):\n${w.output().slice(-2_000)}`));
      return w;
    };
    const newWorker = () => watched(spawnWorker({ databaseUrl: pg.url, temporalAddress: temporal.address, taskQueue }));
    let worker = newWorker();
    cleanups.push(() => (stopping.add(worker), worker.kill('SIGKILL')));
    await worker.ready;
    say(`stack up (Temporal ${values.temporal === 'server' ? 'server on Postgres' : 'dev server'} at ${temporal.address}); ${values.duration} at ${rate} events/s, receiver fails ${Math.round(failShare * 100)}%, worker restart every ${restartEveryMs / 1000}s; ` +
      `every 8th event also goes to 3 broken subscription rows and 2 hanging receivers (mark processed; subscription deleted halfway)`);

    const expected = new Map<string, string>();
    let accepted = 0;
    let producerRetries = 0;
    let restarts = 0;
    let faultDeliveries = 0;
    const restartTimes: number[] = [];
    const started = Date.now();
    const operator = setInterval(() => faults.tick(Date.now() - started > durationMs / 2), 200);
    cleanups.push(() => clearInterval(operator));
    let nextRestart = started + restartEveryMs;
    const sends: Promise<void>[] = [];
    for (let n = 0; Date.now() - started < durationMs; n++) {
      const due = started + (n * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const type = n % 8 === 4 ? FAULT_EVENT_TYPE : n % 3 === 0 ? 'payrun.finalised' : 'employee.updated';
      const event = { id: `soak-${n}`, type, occurredAt: new Date().toISOString(), data: { Id: n, name: `Employee ${n}` } };
      sends.push((async () => {
        for (let tries = 0; tries < 30; tries++) {
          const res = await call(producer, 'POST', '/v1/events', event).catch(() => ({ status: 0, body: null }));
          if (res.status === 202) {
            accepted++;
            for (const d of res.body.deliveries) {
              if (faults.track(d)) {
                faultDeliveries++;
                continue;
              }
              const sub = subs.find((s) => s.id === d.subscriptionId)!;
              expected.set(sub.format === 'standard' ? standardMessageId(d.id) : aspnetWorkItemId(d.id), d.id);
            }
            return;
          }
          producerRetries++;
          await sleep(500);
        }
        throw new Error(`event ${event.id} was never accepted`);
      })());
      if (Date.now() >= nextRestart) {
        const signal: NodeJS.Signals = restarts % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
        stopping.add(worker);
        await worker.kill(signal);
        worker = newWorker();
        restarts++;
        restartTimes.push(Date.now());
        say(`worker restarted (${signal}); ${accepted} events accepted so far`);
        nextRestart = Date.now() + restartEveryMs;
      }
    }
    await Promise.all(sends);
    say(`load done: ${accepted} events accepted, ${expected.size} deliveries to receive and ${faultDeliveries} to fail or be closed by the operator; draining`);
    const acked = () => {
      const ok = new Map<string, number>();
      for (const req of receiver.requests) {
        const id = messageIdOf(req);
        if (id && expected.has(id) && answered.get(req) === 200) ok.set(id, (ok.get(id) ?? 0) + 1);
      }
      return ok;
    };
    const deadline = Date.now() + drainTimeoutMs;
    while (Date.now() < deadline && [...expected.keys()].some((id) => !acked().has(id))) await sleep(1000);
    const settled = await faults.settle(Math.max(10_000, deadline - Date.now()));
    clearInterval(operator);
    const ok = acked();
    const delivered = [...expected.keys()].filter((id) => ok.has(id)).length;
    const ended = delivered + settled.brokenFailed + settled.operatorProcessed + settled.operatorCancelled;
    const expectedDeliveries = expected.size + faultDeliveries;
    const lost = expectedDeliveries - ended;
    const duplicates = [...ok.values()].reduce((sum, n) => sum + (n - 1), 0);
    const summary = {
      seconds: Math.round((Date.now() - started) / 1000), accepted, expectedDeliveries, toReceive: expected.size, delivered, duplicates,
      failedOnTodo: settled.brokenFailed, onTodo: settled.onTodo, todoOk: settled.todoOk,
      processedByOperator: settled.operatorProcessed, cancelledByOperator: settled.operatorCancelled,
      markProcessedMaxMs: Math.max(0, ...settled.markProcessed.map((m) => m.ms)),
      // Past 2 s only around a worker restart: a killed worker's workflow task must time out before another takes it.
      markProcessedOver2s: settled.markProcessed.filter((m) => m.ms > 2_000).length,
      markProcessedOver2sAwayFromRestarts: settled.markProcessed.filter((m) => m.ms > 2_000 && !restartTimes.some((r) => m.at > r - 12_000 && m.at < r + 25_000)).length, deleteCancelMs: settled.deleteCancelMs, notEnded: settled.notEnded.length,
      lost, producerRetries, workerRestarts: restarts, receiverRequests: receiver.requests.length,
    };
    say('reconciliation');
    for (const [k, v] of Object.entries(summary)) process.stdout.write(`  ${k.padEnd(20)} ${v}\n`);
    process.stdout.write(`SOAK ${JSON.stringify(summary)}\n`);
    if (settled.notEnded.length) say(`not ended: ${settled.notEnded.slice(0, 10).join(', ')}`);
    if (lost > 0) {
      say(`the current worker's output:\n${worker.output().slice(-3_000) || '(none)'}`);
      await explainMissing(pool, [...expected].filter(([id]) => !ok.has(id)).map(([, deliveryId]) => deliveryId));
    }
    return lost === 0 && accepted > 0 && settled.todoOk ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`soak failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
