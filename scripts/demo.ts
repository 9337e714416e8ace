// `npm run demo`: a narrated tour. Starts hrhooks all-in-one (or uses the one
// already running on PORT), a local receiver that fails its first requests and
// then recovers, one subscription per format, a handful of realistic events,
// and tells what happens until everything is delivered.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startAllInOne, type AllInOne } from '../src/cli/start';
import { loadConfig } from '../src/config';
import { portIsOpen } from '../src/temporal/devServer';

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

async function main(): Promise<void> {
  const config = loadConfig();
  const exitWhenDone = process.argv.includes('--exit');
  let hr: AllInOne | null = null;
  let base = `http://${config.HOST}:${config.PORT}`;
  let adminKey = config.HRHOOKS_ADMIN_KEY;
  let producerKey = config.HRHOOKS_PRODUCER_KEY;
  let uiUrl = config.temporalUiUrl;
  if (await portIsOpen(config.HOST, config.PORT)) {
    say(`hrhooks already answers on ${base}: the demo uses it (it must allow 127.0.0.1: HRHOOKS_EGRESS_ALLOW=127.0.0.1/32).`);
    const keysFile = path.join(config.dataDir, 'bootstrap-keys.json');
    if (fs.existsSync(keysFile)) {
      const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
      adminKey ??= keys.admin;
      producerKey ??= keys.producer;
    }
    if (!adminKey || !producerKey) throw new Error('set HRHOOKS_ADMIN_KEY and HRHOOKS_PRODUCER_KEY to the running instance\'s keys');
  } else {
    say('starting hrhooks all-in-one (Temporal dev server, embedded Postgres, worker, gateway)...');
    const allow = ['127.0.0.1/32', config.HRHOOKS_EGRESS_ALLOW].filter(Boolean).join(',');
    hr = await startAllInOne({ ...config, HRHOOKS_EGRESS_ALLOW: allow, LOG_LEVEL: 'warn' });
    base = hr.gatewayUrl;
    adminKey = hr.keys.admin;
    producerKey = hr.keys.producer;
    uiUrl = hr.temporalUiUrl;
  }
  const receiver = await startFlakyReceiver(2);
  say(`\na local receiver listens on ${receiver.url}; it answers 503 to the first 2 requests on each path, then 200.`);
  const ladder = ['3s', '6s', '12s'];
  const subs: Record<string, any> = {};
  for (const format of ['lucca', 'aspnet', 'standard'] as const) {
    subs[format] = await api(base, adminKey!, 'POST', '/v1/subscriptions', {
      name: `demo ${format}`,
      url: `${receiver.url}/${format}`,
      format,
      events: '*',
      ...(format === 'lucca' ? { mode: 'all', authorization: 'Basic ZGVtbzpkZW1v' } : {}),
      retrySchedule: ladder,
    });
    say(`created subscription ${subs[format].id} (${format}) with a short demo ladder ${ladder.join(', ')}`);
  }
  const run = crypto.randomBytes(3).toString('hex');
  const events = [
    { type: 'leave.created', data: absence(90001, '2026-12-21', '2026-12-23', false) },
    { type: 'leave.approved', data: absence(90001, '2026-12-21', '2026-12-23', true) },
    { type: 'leave.cancelled', data: { ...absence(90001, '2026-12-21', '2026-12-23', true), isCancelled: true, cancellationDate: '2026-11-23T08:00:00' } },
    { type: 'employee.created', data: { Id: 4711, FirstName: 'Ada', Surname: 'Lovelace', StartDate: '2026-12-01T00:00:00' } },
    { type: 'payrun.finalised', data: { Id: 2026_11, PayPeriodStarting: '2026-11-01T00:00:00', PayPeriodEnding: '2026-11-30T00:00:00', IsFinalised: true } },
  ];
  const deliveryIds: string[] = [];
  say('');
  for (const [i, e] of events.entries()) {
    const accepted = await api(base, producerKey!, 'POST', '/v1/events', { id: `demo-${run}-${i + 1}`, occurredAt: new Date().toISOString(), ...e });
    deliveryIds.push(...accepted.deliveries.map((d: { id: string }) => d.id));
    say(`sent ${e.type} → ${accepted.deliveries.length} deliveries (${accepted.deliveries.map((d: any) => d.subscriptionId).join(', ')})`);
  }
  say('\nwatching the deliveries (each failed attempt waits for the next step of its ladder)...');
  const last = new Map<string, string>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const states = await Promise.all(deliveryIds.map((id) => api(base, adminKey!, 'GET', `/v1/deliveries/${id}`)));
    for (const d of states) {
      const line = `${d.status} after ${d.attempts.length} attempt(s)`;
      if (last.get(d.id) !== line) say(`  ${d.id} [${d.eventType} → ${d.format}] ${line}${d.nextAttemptAt ? `, next at ${d.nextAttemptAt}` : ''}`);
      last.set(d.id, line);
    }
    if (states.every((d) => d.status === 'delivered')) break;
    await sleep(1000);
  }
  say(`\nall ${deliveryIds.length} deliveries delivered.`);
  say(`  follow-up UI:     ${base}/   (sign in with the admin key ${adminKey})`);
  say(`  Temporal Web UI:  ${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent('HrhooksStatus="delivered"')}`);
  if (exitWhenDone || !hr) {
    receiver.close();
    await hr?.stop();
    return;
  }
  say('\nCtrl-C stops the demo and hrhooks.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  receiver.close();
  await hr.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`demo failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
