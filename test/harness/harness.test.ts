// Proves the harness: a real worker runs a delivery whose activity POSTs to the
// recording receiver, on the shared dev server and on the time-skipping server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, startTimeSkipping, testClient } from '../support/temporal';
import { deliveryResult, insertSubscription, sampleEvent, startFixtureDelivery } from '../support/fixtures';

let db: TestDatabase;
let receiver: Receiver;

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  await db.drop();
});

describe('harness', () => {
  it('delivers through a real worker on the dev server', async () => {
    const worker = await runTestWorker({ pool: db.pool });
    const client = await testClient();
    try {
      receiver.respondWith({ status: 200 });
      const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/dev` });
      const id = await startFixtureDelivery(db.pool, client, worker.taskQueue, sub, sampleEvent());
      const state = await deliveryResult(client, id);
      assert.equal(state.status, 'delivered');
      const [request] = receiver.requests.filter((r) => r.path === '/dev');
      assert.ok(request, 'receiver got the POST');
      assert.equal(request.method, 'POST');
      assert.match(String(request.headers['webhook-signature']), /^v1,/);
    } finally {
      await worker.stop();
      await client.connection.close();
    }
  });

  it('sleeps through a 24-hour retry in well under a second on the time-skipping server', async () => {
    const env: TestWorkflowEnvironment = await startTimeSkipping();
    const worker = await runTestWorker({ pool: db.pool, connection: env.nativeConnection });
    try {
      receiver.respondSequence([{ status: 500 }, { status: 200 }]);
      const sub = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/skip`, retrySchedule: ['24h'] });
      const before = receiver.requests.length;
      const started = Date.now();
      const id = await startFixtureDelivery(db.pool, env.client, worker.taskQueue, sub, sampleEvent(), { searchAttributes: false });
      const state = await deliveryResult(env.client, id);
      const wall = Date.now() - started;
      assert.equal(state.status, 'delivered');
      assert.equal(state.attemptCount, 2);
      const gap = Date.parse(state.attempts[1]!.at) - Date.parse(state.attempts[0]!.at);
      assert.ok(gap >= 24 * 3_600_000, `second attempt ${gap} ms after the first`);
      const seen = receiver.requests.slice(before);
      assert.equal(seen.length, 2);
      const wallGap = seen[1]!.receivedAt - seen[0]!.receivedAt;
      assert.ok(wallGap < 10_000, `the 24 h wait took ${wallGap} ms of wall time (whole test ${wall} ms)`);
    } finally {
      await worker.stop();
      await env.teardown();
    }
  });
});
