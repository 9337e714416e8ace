// `hrhooks start` as a user runs it: a child process with its own data dir and
// ports; an event goes through to a real receiver; SIGINT stops everything it
// started; a second start still lists the earlier delivery. With the dev server;
// with HRHOOKS_TEMPORAL=server (the real server on the embedded Postgres) when
// test/temporal/realServer.test.ts reruns this file.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { portIsOpen } from '../../src/local/devServer';
import { freePort } from '../../dev-support/ports';
import { freeLowPort } from '../../src/local/realServer';
import { startReceiver, type Receiver } from '../support/receiver';
import { testTemporalKind } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const ROOT = path.resolve(__dirname, '..', '..');
const kind = testTemporalKind();
let receiver: Receiver;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: { gateway: number; temporal: number; ui: number; pg: number };

interface Started {
  child: ChildProcess;
  output: () => string;
  admin: string;
  producer: string;
  url: string;
}

async function start(): Promise<Started> {
  const child = spawn(path.join(ROOT, 'bin', 'hrhooks'), ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await waitFor('hrhooks start to print its keys', async () => {
    if (child.exitCode !== null) throw new Error(`hrhooks start exited ${child.exitCode}: ${out}`);
    return /producer key\s+\S+/.test(out);
  }, 120_000, 200);
  return {
    child,
    output: () => out,
    admin: /admin key\s+(\S+)/.exec(out)![1]!,
    producer: /producer key\s+(\S+)/.exec(out)![1]!,
    url: `http://127.0.0.1:${ports.gateway}`,
  };
}

async function stop(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGINT');
  return exited;
}

async function api(s: Started, method: string, route: string, key: string, body?: unknown) {
  const res = await fetch(`${s.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * Issue 23: the dev server's Web UI decodes payloads through the gateway's codec server: its settings name the
 * gateway's /codec/web-ui/<token>, which answers a browser on the UI's origin (CORS) with the payload in clear.
 */
async function webUiDecodes(s: Started, workflowId: string, eventId: string): Promise<void> {
  const settings = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
  const endpoint = settings.Codec?.Endpoint ?? '';
  assert.match(endpoint, new RegExp(`^http://127\\.0\\.0\\.1:${ports.gateway}/codec/web-ui/[A-Za-z0-9_-]{32,}$`), `the Web UI's codec endpoint: ${JSON.stringify(settings.Codec)}`);
  const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"Ada Lovelace"').toString('base64') };
  const sealed = await api(s, 'POST', '/codec/encode', s.admin, { payloads: [plain] });
  assert.equal(sealed.status, 200, JSON.stringify(sealed.body));
  const origin = `http://127.0.0.1:${ports.ui}`;
  const preflight = await fetch(`${endpoint}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
  assert.equal(preflight.status, 204);
  const res = await fetch(`${endpoint}/decode`, { method: 'POST', headers: { origin, 'content-type': 'application/json', 'x-namespace': 'default' }, body: JSON.stringify(sealed.body) });
  assert.equal(res.headers.get('access-control-allow-origin'), origin);
  assert.deepEqual(((await res.json()) as { payloads: unknown[] }).payloads, [plain]);
  // and a browser on the Web UI's page of an event workflow reads its input in clear (the event id), through /codec
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const decoded = page.waitForResponse((r) => r.url().includes('/codec/web-ui/') && r.url().includes('/decode') && r.status() === 200, { timeout: 60_000 });
    await page.goto(`${origin}/namespaces/default/workflows/${workflowId}`);
    await decoded;
    await page.getByText(eventId).first().waitFor({ timeout: 60_000 });
  } finally {
    await browser.close();
  }
}

before(async () => {
  const built = spawnSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `npm run build failed: ${built.stderr}`);
  receiver = await startReceiver();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-start-'));
  fs.chmodSync(dataDir, 0o755);
  ports = { gateway: await freePort(), temporal: kind === 'server' ? await freeLowPort() : await freePort(), ui: await freePort(), pg: await freePort() };
  env = {
    ...process.env,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    HRHOOKS_DATA_DIR: dataDir,
    PORT: String(ports.gateway),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    HRHOOKS_PG_PORT: String(ports.pg),
    HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
    LOG_LEVEL: 'warn',
    HRHOOKS_TEMPORAL: kind,
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.TEMPORAL_UI_URL;
});
after(async () => {
  await receiver.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('hrhooks start (all-in-one)', () => {
  it('runs, delivers, stops cleanly on SIGINT and resumes with its data', async () => {
    const first = await start();
    const cmdline = fs.readFileSync(`/proc/${first.child.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.includes(path.join(ROOT, 'dist', 'src', 'interfaces', 'cli', 'main.js')), `runs compiled JavaScript: ${cmdline.join(' ')}`);
    assert.ok(!cmdline.some((arg) => arg.includes('tsx')), `no TypeScript loader at run time: ${cmdline.join(' ')}`);
    assert.match(first.output(), /follow-up UI\s+http:\/\/127\.0\.0\.1:\d+\//);
    if (kind === 'server') assert.match(first.output(), new RegExp(`Temporal server\\s+127\\.0\\.0\\.1:${ports.temporal} \\(v1\\.32\\.2 on Postgres, 4 history shards`));
    else assert.match(first.output(), /Temporal Web UI\s+http:\/\/127\.0\.0\.1:\d+/);
    const sub = await api(first, 'POST', '/v1/subscriptions', first.admin, {
      name: 'start test', url: `${receiver.url}/start`, format: 'standard', events: '*',
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const accepted = await api(first, 'POST', '/v1/events', first.producer, {
      id: 'evt-start-1', type: 'employee.created', occurredAt: new Date().toISOString(), data: { id: 1, name: 'Ada' },
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    await receiver.waitForRequests(1, 60_000);
    const deliveryId = accepted.body.deliveries[0].id;
    await waitFor('delivered', async () => (await api(first, 'GET', `/v1/deliveries/${deliveryId}`, first.admin)).body.status === 'delivered' || undefined, 30_000);
    const payloadKey = fs.readFileSync(path.join(dataDir, 'payload.key'), 'utf8');
    assert.equal(fs.statSync(path.join(dataDir, 'payload.key')).mode & 0o777, 0o600, 'the payload key is generated into the data dir, mode 600');
    if (kind === 'dev') await webUiDecodes(first, workflowIdOf(deliveryId)!, 'evt-start-1');
    assert.equal(await stop(first), 0);
    assert.equal(await portIsOpen('127.0.0.1', ports.gateway), false, 'gateway port closed');
    assert.equal(await portIsOpen('127.0.0.1', ports.temporal), false, `Temporal ${kind} server stopped`);
    assert.equal(await portIsOpen('127.0.0.1', ports.pg), false, 'embedded Postgres stopped');
    assert.equal(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), false);

    const second = await start();
    try {
      assert.equal(second.admin, first.admin, 'the generated keys are kept in the data dir');
      assert.equal(fs.readFileSync(path.join(dataDir, 'payload.key'), 'utf8'), payloadKey, 'and the payload key');
      const list = await api(second, 'GET', '/v1/deliveries', second.admin);
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((d: { id: string }) => d.id === deliveryId), 'earlier delivery still listed');
    } finally {
      assert.equal(await stop(second), 0);
    }
    assert.equal(await portIsOpen('127.0.0.1', ports.temporal), false);
    assert.equal(await portIsOpen('127.0.0.1', ports.pg), false);
  });
});
