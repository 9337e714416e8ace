import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { classify } from '../../src/domain/delivery/transition';
import { closeDispatcher, guardedConnector, postOnce, type AttemptResult } from '../../src/infra/http/dispatcher';
import { parseAllowlist } from '../../src/infra/http/ssrfGuard';
import { startReceiver, type Receiver } from '../support/receiver';

const allow = parseAllowlist('127.0.0.1/32');
const none = parseAllowlist('');

function post(url: string, over: Partial<Parameters<typeof postOnce>[0]> = {}): Promise<AttemptResult> {
  return postOnce({
    url,
    headers: { 'content-type': 'application/json', 'x-event': 'created' },
    body: Buffer.from('{"hello":"world"}'),
    timeoutMs: 2000,
    connectTimeoutMs: 1000,
    allow,
    ...over,
  });
}

/** A bare TCP listener on 127.0.0.1 counting accepted connections: proves "no packet reached it". */
async function tcpCounter(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => accepted,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('postOnce against a real receiver', () => {
  let rx: Receiver;
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });
  after(async () => {
    await closeDispatcher();
  });

  it('200: success, headers and body bytes arrive exactly', async () => {
    const body = Buffer.from([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x31, 0x7d, 0x00, 0xff]);
    rx.respondWith({ status: 200, headers: { 'x-reply': 'yes' }, body: 'ok' });
    const r = await post(`${rx.url}/hooks/in?x=1`, { body, headers: { 'content-type': 'application/json', 'x-sig': 'abc' } });
    assert.equal(r.error, null);
    assert.equal(r.statusCode, 200);
    assert.equal(r.responseBody, 'ok');
    assert.equal(r.responseTruncated, false);
    assert.equal(r.responseHeaders?.['x-reply'], 'yes');
    assert.ok(r.durationMs >= 0);
    assert.deepEqual(classify(r, Date.now()), { outcome: 'success', retryAfterMs: null });
    const [seen] = await rx.waitForRequests(1);
    assert.equal(seen!.method, 'POST');
    assert.equal(seen!.path, '/hooks/in?x=1');
    assert.equal(seen!.headers['x-sig'], 'abc');
    assert.equal(seen!.headers['content-type'], 'application/json');
    assert.equal(seen!.headers['content-length'], String(body.length));
    assert.ok(seen!.body.equals(body));
  });

  it('500: retry', async () => {
    rx.respondWith({ status: 500, body: 'boom' });
    const r = await post(rx.url);
    assert.equal(r.statusCode, 500);
    assert.equal(r.responseBody, 'boom');
    assert.deepEqual(classify(r, Date.now()), { outcome: 'retry', retryAfterMs: null });
  });

  it('410: gone', async () => {
    rx.respondWith({ status: 410 });
    assert.equal(classify(await post(rx.url), Date.now()).outcome, 'gone');
  });

  it('429 with Retry-After seconds, 503 with Retry-After HTTP-date', async () => {
    rx.respondSequence([
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 503, headers: { 'retry-after': new Date(Date.UTC(2030, 0, 1, 0, 10)).toUTCString() } },
    ]);
    assert.deepEqual(classify(await post(rx.url), Date.now()), { outcome: 'retry', retryAfterMs: 120_000 });
    const r = await post(rx.url);
    assert.equal(r.statusCode, 503);
    assert.deepEqual(classify(r, Date.UTC(2030, 0, 1, 0, 0)), { outcome: 'retry', retryAfterMs: 600_000 });
  });

  it('302 to the metadata address is not followed: one request, recorded as 302 retry', async () => {
    rx.respondWith({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    const r = await post(rx.url);
    assert.equal(r.statusCode, 302);
    assert.equal(r.responseHeaders?.['location'], 'http://169.254.169.254/latest/meta-data/');
    assert.equal(classify(r, Date.now()).outcome, 'retry');
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(rx.requests.length, 1);
  });

  it('slow receiver: timeout within about timeoutMs', async () => {
    rx.respondWith({ status: 200, delayMs: 5000 });
    const r = await post(rx.url, { timeoutMs: 300 });
    assert.equal(r.error?.kind, 'timeout');
    assert.equal(r.statusCode, null);
    assert.ok(r.durationMs >= 250 && r.durationMs < 1500, `duration ${r.durationMs}`);
    assert.equal(classify(r, Date.now()).outcome, 'retry');
  });

  it('hung receiver: timeout, and releaseHung lets the receiver finish', async () => {
    rx.respondWith({ hang: true });
    const r = await post(rx.url, { timeoutMs: 200 });
    assert.equal(r.error?.kind, 'timeout');
    rx.releaseHung();
  });

  it('connection reset: kind reset', async () => {
    rx.respondWith({ reset: true });
    const r = await post(rx.url);
    assert.equal(r.error?.kind, 'reset', r.error?.message);
    assert.equal(r.statusCode, null);
    assert.equal(classify(r, Date.now()).outcome, 'retry');
  });

  it('closed port: kind refused', async () => {
    const gone = await startReceiver();
    const url = gone.url;
    await gone.close();
    const r = await post(url);
    assert.equal(r.error?.kind, 'refused', r.error?.message);
  });

  it('TLS handshake failure (https to a plain HTTP port): kind tls', async () => {
    const r = await post(`https://127.0.0.1:${rx.port}/`);
    assert.equal(r.error?.kind, 'tls', r.error?.message);
  });

  it('50 MB body: keeps 64 KiB, truncated, fast, flat memory', async () => {
    rx.respondWith({ status: 200, bodySize: 50 * 1024 * 1024 });
    global.gc?.();
    const before = process.memoryUsage().rss;
    const r = await post(rx.url);
    const growth = process.memoryUsage().rss - before;
    assert.equal(r.error, null);
    assert.equal(r.statusCode, 200);
    assert.equal(r.responseTruncated, true);
    assert.equal(Buffer.byteLength(r.responseBody!), 64 * 1024);
    assert.ok(r.durationMs < 2000, `duration ${r.durationMs}`);
    assert.ok(growth < 30 * 1024 * 1024, `rss grew ${(growth / 1048576).toFixed(1)} MB`);
  });

  it('maxResponseBytes is honoured; a body of exactly that size is not truncated', async () => {
    rx.respondSequence([{ status: 200, body: 'abcdefgh' }, { status: 200, body: 'abcd' }]);
    const cut = await post(rx.url, { maxResponseBytes: 4 });
    assert.equal(cut.responseBody, 'abcd');
    assert.equal(cut.responseTruncated, true);
    const exact = await post(rx.url, { maxResponseBytes: 4 });
    assert.equal(exact.responseBody, 'abcd');
    assert.equal(exact.responseTruncated, false);
  });

  it('without an allowlist, 127.0.0.1 is refused as ssrf and the receiver sees nothing', async () => {
    const r = await post(rx.url, { allow: none });
    assert.equal(r.error?.kind, 'ssrf');
    assert.equal(r.statusCode, null);
    assert.equal(classify(r, Date.now()).outcome, 'retry');
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(rx.requests.length, 0);
  });

  it('an allowlist for 127.0.0.2 does not open 127.0.0.1', async () => {
    const r = await post(rx.url, { allow: parseAllowlist('127.0.0.2/32') });
    assert.equal(r.error?.kind, 'ssrf');
    assert.equal(rx.requests.length, 0);
  });

  it('localhost resolves to loopback and is refused before any connection', async () => {
    const counter = await tcpCounter();
    try {
      const r = await post(`http://localhost:${counter.port}/`, { allow: none });
      assert.equal(r.error?.kind, 'ssrf', r.error?.message);
      assert.match(r.error!.message, /localhost/);
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(counter.count(), 0);
    } finally {
      await counter.close();
    }
  });

  it('localhost works when its address is allowlisted', async () => {
    const port = rx.port;
    const r = await post(`http://localhost:${port}/x`);
    assert.equal(r.error, null, r.error?.message);
    assert.equal(r.statusCode, 200);
  });

  it('metadata and private literals are refused before dialling', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://2852039166/',
      'http://[::ffff:169.254.169.254]/', 'http://10.0.0.1:8080/']) {
      const r = await post(url, { allow });
      assert.equal(r.error?.kind, 'ssrf', url);
    }
  });

  it('invalid URLs: kind invalid_url', async () => {
    for (const url of ['ftp://example.com/', 'http://u:p@127.0.0.1/', 'nope']) {
      assert.equal((await post(url)).error?.kind, 'invalid_url', url);
    }
  });

  it('connector re-checks the connected peer (IP literal path) and destroys the socket', async () => {
    const counter = await tcpCounter();
    try {
      const connect = guardedConnector(none, 1000);
      const err = await new Promise<Error | null>((resolve) =>
        connect({ hostname: '127.0.0.1', protocol: 'http:', port: String(counter.port) }, (e, s) => {
          s?.destroy();
          resolve(e);
        }),
      );
      assert.ok(err);
      assert.equal((err as Error & { code?: string }).code, 'ERR_HRHOOKS_SSRF');
      assert.match(err.message, /loopback/);
    } finally {
      await counter.close();
    }
  });
});

describe('classify', () => {
  const base: AttemptResult = {
    statusCode: null, responseHeaders: null, responseBody: null, responseTruncated: false, durationMs: 1, error: null,
  };
  const at = (statusCode: number, retryAfter?: string): AttemptResult => ({
    ...base, statusCode, responseHeaders: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });
  const now = Date.UTC(2030, 0, 1);

  it('2xx success; 3xx/4xx/5xx retry; 410 gone; transport errors retry', () => {
    for (const s of [200, 201, 204, 299]) assert.equal(classify(at(s), now).outcome, 'success');
    for (const s of [301, 302, 304, 400, 401, 404, 429, 500, 502, 503]) assert.equal(classify(at(s), now).outcome, 'retry');
    assert.equal(classify(at(410), now).outcome, 'gone');
    assert.equal(classify({ ...base, error: { kind: 'dns', message: 'x' } }, now).outcome, 'retry');
    assert.equal(classify({ ...base, error: { kind: 'ssrf', message: 'x' } }, now).outcome, 'retry');
  });

  it('Retry-After: seconds, HTTP-date, clamped to [0, 24h], ignored when malformed or on other statuses', () => {
    assert.equal(classify(at(429, '0'), now).retryAfterMs, 0);
    assert.equal(classify(at(503, ' 30 '), now).retryAfterMs, 30_000);
    assert.equal(classify(at(429, '999999999'), now).retryAfterMs, 24 * 3600 * 1000);
    assert.equal(classify(at(503, new Date(now + 90_000).toUTCString()), now).retryAfterMs, 90_000);
    assert.equal(classify(at(503, new Date(now - 90_000).toUTCString()), now).retryAfterMs, 0);
    assert.equal(classify(at(503, new Date(now + 5 * 86400_000).toUTCString()), now).retryAfterMs, 86400_000);
    assert.equal(classify(at(429, 'soon'), now).retryAfterMs, null);
    assert.equal(classify(at(429, '-5'), now).retryAfterMs, null);
    assert.equal(classify(at(429), now).retryAfterMs, null);
    assert.equal(classify(at(500, '30'), now).retryAfterMs, null);
  });
});
