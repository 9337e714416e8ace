// Gateway hardening through a real listening socket (listen() from server.ts): a slow-loris client that
// dribbles its headers is cut off, and stop() lets an in-flight request finish while refusing new ones.
// (429 + Retry-After, helmet headers and 413 are covered in test/gateway/validation.test.ts.)
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { Router } from 'express';
import { loadConfig } from '../../src/infra/config';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { listen } from '../../src/interfaces/api/server';
import type { AppDeps } from '../../src/interfaces/api/deps';
import { createLogger } from '../../src/infra/observability/log';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let temporal: Client;
let deps: AppDeps;

before(async () => {
  db = await createTestDatabase();
  // No Temporal here (these routes never reach it), and deliberately not ../support/temporal: the SDK
  // runtime it installs keeps this process alive once a server has listened.
  temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }), namespace: 'default' });
  const slow = Router().get('/slow-page', (_req, res) => void setTimeout(() => res.type('text').send('finished'), 1_500));
  deps = { pool: db.pool, temporal, taskQueue: 'hardening', box: createSecretBox('hardening-test-key'), config: loadConfig({}), log: createLogger('silent'), ui: slow };
});
after(async () => {
  await temporal.connection.close().catch(() => undefined);
  await db.drop();
});

test('slow-loris: a client sending its headers a byte at a time is cut off', { timeout: 60_000 }, async () => {
  const gateway = await listen(deps, { port: 0, host: '127.0.0.1' });
  try {
    const port = Number(new URL(gateway.url).port);
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    let answer = '';
    socket.on('data', (d) => void (answer += d.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const dribble = setInterval(() => socket.writable && socket.write('X-Slow: a\r\n'), 500);
    await closed;
    clearInterval(dribble);
    const heldMs = Date.now() - started;
    console.log(`# slow-loris: cut off after ${heldMs} ms (${answer.split('\r\n')[0] || 'no answer'})`);
    assert.ok(heldMs < 15_000, `headersTimeout is 10 s; connection held ${heldMs} ms`);
    assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
  } finally {
    await gateway.stop();
  }
});

test('graceful shutdown: an in-flight request finishes, new connections are refused', { timeout: 30_000 }, async () => {
  const gateway = await listen(deps, { port: 0, host: '127.0.0.1' });
  const inFlight = fetch(`${gateway.url}/slow-page`).then(async (r) => [r.status, await r.text()] as const);
  await new Promise((r) => setTimeout(r, 300));
  const stopped = gateway.stop();
  await new Promise((r) => setTimeout(r, 100));
  await assert.rejects(fetch(`${gateway.url}/healthz`), 'no new connections while draining');
  assert.deepEqual(await inFlight, [200, 'finished']);
  await stopped;
});
