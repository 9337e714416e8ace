// `npm run demo`: a narrated tour. Starts its OWN hrhooks all-in-one (a fresh temporary data dir, its own
// Postgres, Temporal dev server and gateway on free loopback ports) and never uses a running instance, its database,
// Temporal or keys — unless told to with `--gateway URL` (and a platform key in HRHOOKS_DEMO_PLATFORM_KEY, never read
// otherwise). Either way it works in a tenant of its own (issue 22: `demo`, or `demo-<run>` on a given gateway, whose
// tenant ids are never reused): its subscriptions are made there and its events posted there, so they can only reach
// the subscriptions it creates. Then a local receiver that fails its first requests and recovers, one subscription per
// format, a handful of realistic events, narrated until they settle. However it ends (done, error, Ctrl-C) it deletes
// its tenant (which cancels what is still open); its last line is the real outcome, and it exits 0 only when every
// delivery was delivered (130 when interrupted first).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../dev-support/ports';
import { startAllInOne, type AllInOne } from '../src/local/start';
import { loadConfig } from '../src/infra/config';
import { CLOSED_STATUSES, type DeliveryStatus } from '../workflows/definitions';
import { parseWaitingFor } from '../src/domain/flow/waitingFor';

const say = (line: string) => process.stdout.write(`${line}\n`);

class Interrupted extends Error {}

/** Ctrl-C (or SIGTERM) asks the demo to clean up and stop; a second one exits at once. */
function watchInterrupts(leftBehind: () => string | null): AbortSignal {
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupt.signal.aborted) {
      say(`\n${signal}: deleting the demo's tenant and stopping (again to exit at once)...`);
      interrupt.abort();
      return;
    }
    const left = leftBehind();
    say(`exiting at once${left ? `; tenant ${left} left behind (delete it: DELETE /v1/tenants/${left} with a platform key)` : ''}`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return interrupt.signal;
}

function pause(ms: number, interrupt: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    interrupt.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      interrupt.removeEventListener('abort', done);
      resolve();
    }
  });
}

function startFlakyReceiver(failFirst: number): Promise<{ url: string; close(): void }> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = (seen.get(req.url ?? '/') ?? 0) + 1;
      seen.set(req.url ?? '/', n);
      const ok = n > failFirst;
      const what = req.headers['x-event'] ? `lucca X-Event: ${req.headers['x-event']}` : req.headers['webhook-id'] ? `webhook-id ${req.headers['webhook-id']}` : 'aspnet work item';
      say(`  receiver ${req.url}: request #${n} (${what}) → ${ok ? '200 OK' : '503 (pretending to be down)'}`);
      res.writeHead(ok ? 200 : 503).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

async function api(base: string, key: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

function absence(id: number, start: string, end: string, confirmed: boolean) {
  return {
    id,
    owner: { id: 134, name: 'Luca Pacioli', email: 'luca.paccioli@lucca.fr', employeeNumber: '00001' },
    leaveAccount: { id: 1718, name: 'Annual leave 2026', categoryId: 1, categoryName: 'Annual leave', unit: 'days' },
    start: { date: start, half: 'AM' },
    end: { date: end, half: 'PM' },
    isConfirmed: confirmed,
    confirmationDate: confirmed ? '2026-11-20T09:12:00' : null,
    isCancelled: false,
    cancellationDate: null,
    creationDate: '2026-11-19T16:40:00',
  };
}

const EVENTS = [
  { type: 'leave.created', data: absence(90001, '2026-12-21', '2026-12-23', false) },
  { type: 'leave.approved', data: absence(90001, '2026-12-21', '2026-12-23', true) },
  { type: 'leave.cancelled', data: { ...absence(90001, '2026-12-21', '2026-12-23', true), isCancelled: true, cancellationDate: '2026-11-23T08:00:00' } },
  { type: 'employee.created', data: { Id: 4711, FirstName: 'Ada', Surname: 'Lovelace', StartDate: '2026-12-01T00:00:00' } },
  { type: 'payrun.finalised', data: { Id: 2026_11, PayPeriodStarting: '2026-11-01T00:00:00', PayPeriodEnding: '2026-11-30T00:00:00', IsFinalised: true } },
];

const settled = (status: DeliveryStatus) => status === 'failed' || CLOSED_STATUSES.includes(status);

/** "3 of 4 delivered, 1 failed": counts by status, never more than was seen. */
function outcomeOf(statuses: DeliveryStatus[], failedNote = ''): { line: string; allDelivered: boolean } {
  const count = (s: DeliveryStatus) => statuses.filter((x) => x === s).length;
  const delivered = count('delivered');
  const parts = [`${delivered} of ${statuses.length} delivered`];
  if (count('failed')) parts.push(`${count('failed')} failed${failedNote}`);
  for (const s of ['processed', 'cancelled'] as const) if (count(s)) parts.push(`${count(s)} ${s}`);
  const open = statuses.filter((s) => !settled(s)).length;
  if (open) parts.push(`${open} not finished (pending, delivering or retrying)`);
  return { line: parts.join(', '), allDelivered: statuses.length > 0 && delivered === statuses.length };
}

interface Run {
  base: string;
  /** A platform key: it makes and deletes the demo's tenant, and acts inside it by naming it. */
  platformKey: string;
  /** The tenant the demo works in. */
  tenant: string;
  uiUrl: string | null;
  namespace: string;
  /** The demo's own instance; null on a gateway it was given (--gateway). */
  hr: AllInOne | null;
  dataDir: string | null;
}

/** A route of the demo's tenant: /v1/tenants/<tenant>/<route>. */
const inTenant = (run: Run, route: string) => `/v1/tenants/${encodeURIComponent(run.tenant)}${route}`;

/** `n` distinct free loopback ports. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/**
 * The demo's own hrhooks. Its configuration is built here from nothing the environment says about a running instance
 * (no PORT, DATABASE_URL, TEMPORAL_ADDRESS, HRHOOKS_DATA_DIR, keys or secret key is read), so no event of the demo
 * can reach a subscription it did not create, whatever runs next to it.
 */
async function startOwnInstance(interrupt: AbortSignal): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-demo-'));
  const [port, pgPort, temporalPort, uiPort] = await freePorts(4);
  say(`starting the demo's own hrhooks all-in-one (temporary data dir ${dataDir}); a running hrhooks, if any, is not used or touched...`);
  const config = loadConfig({
    HOST: '127.0.0.1', PORT: String(port), HRHOOKS_DATA_DIR: dataDir, HRHOOKS_PG_PORT: String(pgPort), TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort), HRHOOKS_TEMPORAL: 'dev', HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32', LOG_LEVEL: 'warn',
  });
  let hr: AllInOne;
  try {
    hr = await startAllInOne(config);
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  // its bootstrap admin key is a platform key (issue 22)
  const run = { base: hr.gatewayUrl, platformKey: hr.keys.admin, tenant: 'demo', uiUrl: hr.temporalUiUrl, namespace: config.TEMPORAL_NAMESPACE, hr, dataDir };
  if (interrupt.aborted) {
    await stopOwnInstance(run);
    throw new Interrupted();
  }
  return run;
}

/**
 * A gateway the user named (--gateway), with a platform key from HRHOOKS_DEMO_PLATFORM_KEY: the demo works in a fresh
 * tenant `demo-<run>` there, and touches nothing else of it.
 */
function givenGateway(url: string, runId: string): Run {
  const platformKey = process.env.HRHOOKS_DEMO_PLATFORM_KEY;
  if (!platformKey) throw new Error('--gateway needs a platform key in HRHOOKS_DEMO_PLATFORM_KEY');
  const base = new URL(url).origin;
  say(`using the gateway ${base}; the demo works in a tenant of its own (demo-${runId}) and deletes it when it ends`);
  return { base, platformKey, tenant: `demo-${runId}`, uiUrl: null, namespace: 'default', hr: null, dataDir: null };
}

/** Stops the demo's instance and deletes its data dir (kept, and said, when something would not stop). */
async function stopOwnInstance(run: Run): Promise<void> {
  if (!run.hr || !run.dataDir) return;
  const stopped = await run.hr.stop();
  if (!stopped) {
    say(`the demo's hrhooks did not stop cleanly; its data dir ${run.dataDir} is kept`);
    return;
  }
  fs.rmSync(run.dataDir, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const { values: opts } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '120' },
      'fail-first': { type: 'string', default: '2' },
      gateway: { type: 'string' },
    },
  });
  const timeoutMs = Number(opts.timeout) * 1000;
  const failFirst = Number(opts['fail-first']);
  if (!(timeoutMs > 0) || !Number.isInteger(failFirst) || failFirst < 0) {
    throw new Error('usage: demo [--exit] [--timeout SECONDS] [--fail-first N] [--gateway URL (platform key in HRHOOKS_DEMO_PLATFORM_KEY)]');
  }
  const created: string[] = [];
  let tenantMade: string | null = null;
  const interrupt = watchInterrupts(() => tenantMade);
  const checkpoint = () => {
    if (interrupt.aborted) throw new Interrupted();
  };
  const runId = crypto.randomBytes(3).toString('hex');
  const run = opts.gateway ? givenGateway(opts.gateway, runId) : await startOwnInstance(interrupt);
  const receiver = await startFlakyReceiver(failFirst);
  let statuses: DeliveryStatus[] = [];
  let failure: Error | null = null;
  try {
    checkpoint();
    await api(run.base, run.platformKey, 'POST', '/v1/tenants', { id: run.tenant, name: 'hrhooks demo' });
    tenantMade = run.tenant;
    say(`created the tenant ${run.tenant}: the demo's subscriptions and events live there, apart from every other tenant's`);
    say(`\na local receiver listens on ${receiver.url}; it answers 503 to the first ${failFirst} requests on each path, then 200.`);
    const ladder = ['3s', '6s', '12s'];
    for (const format of ['lucca', 'aspnet', 'standard'] as const) {
      checkpoint();
      const sub = await api(run.base, run.platformKey, 'POST', inTenant(run, '/subscriptions'), {
        name: `demo ${format}`,
        url: `${receiver.url}/${format}`,
        format,
        events: '*',
        ...(format === 'lucca' ? { mode: 'all', authorization: 'Basic ZGVtbzpkZW1v' } : {}),
        retrySchedule: ladder,
      });
      created.push(sub.id);
      say(`created subscription ${sub.id} (${format}) with a short demo ladder ${ladder.join(', ')}`);
    }
    const deliveryIds: string[] = [];
    say('');
    for (const [i, e] of EVENTS.entries()) {
      checkpoint();
      const accepted = await api(run.base, run.platformKey, 'POST', inTenant(run, '/events'), { id: `demo-${runId}-${i + 1}`, occurredAt: new Date().toISOString(), ...e });
      const mine = accepted.deliveries.filter((d: { subscriptionId: string }) => created.includes(d.subscriptionId));
      const others = accepted.deliveries.filter((d: { subscriptionId: string }) => !created.includes(d.subscriptionId));
      if (others.length) throw new Error(`an event of the demo reached subscriptions it did not create: ${others.map((d: { subscriptionId: string }) => d.subscriptionId).join(', ')}`);
      deliveryIds.push(...mine.map((d: { id: string }) => d.id));
      statuses.push(...mine.map((d: { status: DeliveryStatus }) => d.status));
      say(`sent ${e.type} → ${mine.length} deliveries (${mine.map((d: any) => d.subscriptionId).join(', ')})`);
    }
    say('\nwatching the deliveries (each failed attempt waits for the next step of its ladder)...');
    statuses = await watch(run, deliveryIds, timeoutMs, interrupt);
    checkpoint();
    const staying = !opts.exit;
    const outcome = outcomeOf(statuses, staying ? ' (see the to-do list until Ctrl-C)' : '');
    say(`\n${outcome.allDelivered ? 'done' : statuses.every(settled) ? 'settled' : `gave up watching after ${opts.timeout} s`}: ${outcome.line}.`);
    if (run.hr) say(`  follow-up UI:     ${run.base}/   (sign in with the platform key ${run.platformKey}, then open the tenant ${run.tenant})`);
    if (staying) say(`  tenant's portal:  ${await portalLink(run)}`);
    const query = `HrhooksTenant="${run.tenant}"`;
    if (run.uiUrl) say(`  Temporal Web UI:  ${run.uiUrl}/namespaces/${run.namespace}/workflows?query=${encodeURIComponent(query)}`);
    if (staying) {
      say(`\nCtrl-C deletes the tenant ${run.tenant}${run.hr ? ', stops the demo\'s hrhooks and deletes its temporary data dir' : ''}.`);
      await pause(2 ** 31 - 1, interrupt);
    }
  } catch (err) {
    failure = err as Error;
  } finally {
    receiver.close();
  }
  const interrupted = failure instanceof Interrupted;
  const deleted = tenantMade ? await deleteTenant(run) : null;
  await stopOwnInstance(run);
  const outcome = outcomeOf(statuses);
  const removal = tenantMade === null ? '; no tenant was created'
    : deleted === null ? `; its tenant ${run.tenant} deleted` : `; could not delete its tenant ${run.tenant} (${deleted}): DELETE /v1/tenants/${run.tenant} with a platform key`;
  if (failure && !interrupted) say(`demo failed: ${failure.message}${removal}`);
  else say(`${interrupted ? 'interrupted: ' : 'outcome: '}${outcome.line}${removal}`);
  if (interrupted) return 130;
  return outcome.allDelivered && !failure && deleted === null ? 0 : 1;
}

/** A single-use link into the demo tenant's follow-up portal (or why there is none). */
async function portalLink(run: Run): Promise<string> {
  try {
    const link = await api(run.base, run.platformKey, 'POST', inTenant(run, '/portal-sessions'), { role: 'admin' });
    return `${link.url}   (opens once, until ${link.expiresAt})`;
  } catch (err) {
    return `none (${(err as Error).message})`;
  }
}

async function watch(run: Run, deliveryIds: string[], timeoutMs: number, interrupt: AbortSignal): Promise<DeliveryStatus[]> {
  const last = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  let statuses: DeliveryStatus[] = [];
  for (;;) {
    const states = await Promise.all(deliveryIds.map((id) => api(run.base, run.platformKey, 'GET', inTenant(run, `/deliveries/${id}`))));
    for (const d of states) {
      const line = d.status === 'queued' && d.waitingFor
        ? `queued, waiting for ${parseWaitingFor(d.waitingFor).kind === 'delivery' ? `${d.waitingFor} (same resource, earlier event: order kept)` : d.waitingFor}`
        : `${d.status} after ${d.attempts.length} attempt(s)`;
      if (last.get(d.id) !== line) say(`  ${d.id} [${d.eventType} → ${d.format}] ${line}${d.nextAttemptAt ? `, next at ${d.nextAttemptAt}` : ''}`);
      last.set(d.id, line);
    }
    statuses = states.map((d) => d.status);
    if (statuses.every(settled) || Date.now() >= deadline || interrupt.aborted) return statuses;
    await pause(Math.min(1000, deadline - Date.now()), interrupt);
  }
}

const DELETE_TRIES = 3;

/**
 * Deletes the demo's tenant (its open deliveries are cancelled, its keys revoked); null once deleted, else why not.
 * A 503 (open deliveries not cancelled yet) is tried again, DELETE_TRIES times at most.
 */
async function deleteTenant(run: Run): Promise<string | null> {
  let why = '';
  for (let i = 0; i < DELETE_TRIES; i++) {
    try {
      await api(run.base, run.platformKey, 'DELETE', `/v1/tenants/${encodeURIComponent(run.tenant)}`);
      return null;
    } catch (err) {
      why = (err as Error).message;
      if (!/→ 503/.test(why)) return why;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return why;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    say(err instanceof Interrupted ? 'interrupted before the demo started; nothing was created' : `demo failed: ${(err as Error).message}; nothing was created`);
    process.exit(err instanceof Interrupted ? 130 : 1);
  },
);
