// The benchmark's webhook receiver, run as its own process so its CPU and memory are not the
// gateway's or the worker's. Answers every POST with the status set for its path (200 by default),
// records arrival times per webhook, and exposes them on /_control/*. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Arrival {
  at: number;
  status: number;
}

/** The benchmark's own key (`data.benchKey`) when the body carries one, else the message id header. */
const BENCH_KEY = /"benchKey":\s*"([^"]+)"/;
/** A lucca body carries no benchKey; its first half-day leave id names the absence. */
const LEAVE_ID = /"id":\s*"(\d+-\d{8}-(?:AM|PM))"/;

const byKey = new Map<string, Arrival[]>();
const statusByPrefix = new Map<string, number>();
const counts = { total: 0, ok: 0, failed: 0, firstAt: 0, lastAt: 0, lastOkAt: 0 };

const now = (): number => performance.timeOrigin + performance.now();

function keyOf(req: IncomingMessage, body: string): string {
  const found = BENCH_KEY.exec(body) ?? LEAVE_ID.exec(body);
  const id = found?.[1] ?? String(req.headers['webhook-id'] ?? req.headers['ms-signature'] ?? '?');
  return `${req.url ?? ''} ${id}`;
}

function statusFor(path: string): number {
  let best = '';
  let status = 200;
  for (const [prefix, code] of statusByPrefix) {
    if (path.startsWith(prefix) && prefix.length >= best.length) {
      best = prefix;
      status = code;
    }
  }
  return status;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function control(path: string, body: string, res: ServerResponse): void {
  if (path === '/_control/status') {
    const { prefix, status } = JSON.parse(body) as { prefix: string; status: number };
    statusByPrefix.set(prefix, status);
    return json(res, 200, { ok: true });
  }
  if (path === '/_control/reset') {
    byKey.clear();
    statusByPrefix.clear();
    Object.assign(counts, { total: 0, ok: 0, failed: 0, firstAt: 0, lastAt: 0, lastOkAt: 0 });
    return json(res, 200, { ok: true });
  }
  if (path.startsWith('/_control/stats')) {
    const prefix = new URL(path, 'http://x').searchParams.get('prefix') ?? '';
    let uniqueOk = 0;
    let lastOkAt = 0;
    let firstAt = 0;
    let requests = 0;
    for (const [key, arrivals] of byKey) {
      if (!key.startsWith(prefix)) continue;
      requests += arrivals.length;
      firstAt = firstAt === 0 ? arrivals[0]!.at : Math.min(firstAt, arrivals[0]!.at);
      const ok = arrivals.find((a) => a.status < 300);
      if (ok) {
        uniqueOk += 1;
        lastOkAt = Math.max(lastOkAt, ok.at);
      }
    }
    return json(res, 200, { ...counts, prefix, keys: byKey.size, uniqueOk, requests, firstAtPrefix: firstAt, lastOkAtPrefix: lastOkAt });
  }
  if (path.startsWith('/_control/arrivals')) {
    const prefix = new URL(path, 'http://x').searchParams.get('prefix') ?? '';
    const out: Record<string, Arrival[]> = {};
    for (const [key, arrivals] of byKey) if (key.startsWith(prefix)) out[key] = arrivals;
    return json(res, 200, out);
  }
  json(res, 404, { error: 'unknown control path' });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '/';
    const body = Buffer.concat(chunks).toString('utf8');
    if (path.startsWith('/_control/')) {
      try {
        control(path, body, res);
      } catch (err) {
        json(res, 400, { error: (err as Error).message });
      }
      return;
    }
    const at = now();
    const status = statusFor(path);
    const key = keyOf(req, body);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push({ at, status });
    counts.total += 1;
    if (status < 300) {
      counts.ok += 1;
      counts.lastOkAt = at;
    } else counts.failed += 1;
    counts.firstAt ||= at;
    counts.lastAt = at;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end(status < 300 ? 'ok' : 'no');
  });
});
server.keepAliveTimeout = 10_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
