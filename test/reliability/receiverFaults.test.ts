// Fault 5: hostile receivers through the whole worker path (workflow → activity → dispatcher → Postgres):
// too slow, 50 MB bodies, resets, redirects to loopback and to the metadata address, a metadata URL.
// Each attempt is recorded with the right error kind / status, nothing is followed, RSS stays flat.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { openValues } from '../../src/infra/db/employeeKeys';
import { insertSubscription, sampleEvent, startFixtureDelivery } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';
import { runTestWorker, testClient, type RunningWorker } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const MB = 1024 * 1024;
let db: TestDatabase;
let client: Client;
let receiver: Receiver;
let worker: RunningWorker;
let REPLIES: Record<string, Reply> = {};
const dialled: string[] = [];

/** Records every host this process dials through net.connect (undici's connector path). */
function spyOnDials(): void {
  const original = net.connect;
  (net as { connect: unknown }).connect = (...args: unknown[]) => {
    const opts = args[0] as { host?: string } | undefined;
    if (opts && typeof opts === 'object') dialled.push(String(opts.host));
    return (original as (...a: unknown[]) => net.Socket)(...args);
  };
}

before(async () => {
  db = await createTestDatabase();
  client = await testClient();
  receiver = await startReceiver();
  worker = await runTestWorker({ pool: db.pool, attemptTimeoutMs: 1_500 });
  spyOnDials();
  receiver.respondWith((req) => REPLIES[req.path.split('/')[1]!] ?? { status: 404 });
});
after(async () => {
  await worker.stop();
  await receiver.close();
  await client.connection.close();
  await db.drop();
});

async function attemptOf(path: string, format: 'aspnet' | 'standard' = 'aspnet') {
  const sub = await insertSubscription(db.pool, { format, url: path.startsWith('http') ? path : `${receiver.url}${path}`, retrySchedule: ['1h'] });
  const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
  return waitFor(`attempt 1 of ${path}`, async () => {
    const { rows } = await db.pool.query('SELECT a.*, d.status FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.delivery_id = $1', [id]);
    return rows[0];
  }, 30_000);
}

test('slow, huge, resetting and redirecting receivers are each recorded correctly; nothing is followed', { timeout: 120_000 }, async () => {
  REPLIES = {
    slow: { status: 200, delayMs: 5_000 },
    huge: { status: 200, bodySize: 50 * MB },
    huge500: { status: 500, bodySize: 50 * MB },
    reset: { reset: true },
    loop: { status: 302, headers: { location: `${receiver.url}/followed` } },
    metadata: { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } },
    followed: { status: 200 },
  };
  const slow = await attemptOf('/slow');
  assert.equal(slow.error_kind, 'timeout');
  assert.equal(slow.status_code, null);
  assert.equal(slow.status, 'retrying');
  assert.ok(slow.duration_ms >= 1_400 && slow.duration_ms < 4_000, `timed out after ${slow.duration_ms} ms`);

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const huge = await Promise.all([attemptOf('/huge'), attemptOf('/huge'), attemptOf('/huge500'), attemptOf('/huge500')]);
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  for (const a of huge) {
    assert.equal(a.response_truncated, true);
    // stored sealed under the event's data key (issue 23); 64 KiB once opened
    assert.match(a.response_body, /^hrk1:/);
    const [opened] = await openValues(db.pool, [a.response_body]);
    assert.equal(Buffer.byteLength(opened as string), 64 * 1024);
  }
  assert.deepEqual(huge.map((a) => [a.status_code, a.outcome, a.status]), [
    [200, 'success', 'delivered'], [200, 'success', 'delivered'], [500, 'retry', 'retrying'], [500, 'retry', 'retrying'],
  ]);
  assert.ok(rssGrowth < 80 * MB, `RSS grew by ${Math.round(rssGrowth / MB)} MB for 4 × 50 MB responses`);

  const reset = await attemptOf('/reset');
  assert.equal(reset.error_kind, 'reset');
  assert.equal(reset.status, 'retrying');

  const loop = await attemptOf('/loop');
  const metadata = await attemptOf('/metadata', 'standard');
  assert.deepEqual([loop.status_code, loop.outcome, loop.status], [302, 'retry', 'retrying']);
  assert.deepEqual([metadata.status_code, metadata.outcome], [307, 'retry']);
  assert.match(metadata.response_headers.location, /169\.254\.169\.254/);
  assert.equal(receiver.requests.filter((r) => r.path === '/followed').length, 0, 'the loopback redirect is not followed');

  const direct = await attemptOf('http://169.254.169.254/latest/meta-data/');
  assert.equal(direct.error_kind, 'ssrf');
  assert.equal(direct.status_code, null);
  assert.match(direct.error_message, /169\.254\.169\.254/);
  assert.ok(direct.duration_ms < 50, `refused before dialling (${direct.duration_ms} ms)`);
  const otherLoopback = await attemptOf(`http://127.0.0.2:${receiver.port}/followed`);
  assert.equal(otherLoopback.error_kind, 'ssrf', 'the allowlist opens 127.0.0.1 only');
  assert.equal(receiver.requests.filter((r) => r.path === '/followed').length, 0);
  assert.ok(dialled.includes('127.0.0.1'), `the spy sees real dials (${[...new Set(dialled)]})`);
  assert.deepEqual(dialled.filter((h) => h !== '127.0.0.1'), [], 'nothing but 127.0.0.1 was ever dialled');

  console.log(`# fault 5: slow → timeout after ${slow.duration_ms} ms; 4 × 50 MB → 64 KiB kept each, RSS +${Math.round(rssGrowth / MB)} MB; ` +
    `reset → ${reset.error_kind}; 302 → loopback and 307 → metadata recorded, not followed; metadata URL → ${direct.error_kind} in ${direct.duration_ms} ms`);
});
