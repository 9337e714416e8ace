// The list queries the README gives for saved views in the Temporal Web UI, run through the visibility
// API of the server the tests use (the dev server; the real server's SQL visibility on Postgres when
// test/temporal/realServer.test.ts reruns this file): each finds exactly the events it should.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { markProcessedSignal } from '../../workflows/definitions';
import { deliveryState, insertSubscription, sampleEvent, startFixtureDelivery, type FixtureSubscription } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver, type Receiver } from '../support/receiver';
import { runTestWorker, testClient, type RunningWorker } from '../support/temporal';
import { waitFor } from '../support/waitFor';

let db: TestDatabase;
let receiver: Receiver;
let client: Client;
let worker: RunningWorker;
const fast = '200ms';

before(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  receiver.respondWith((req) => ({ status: req.path === '/fine' ? 200 : 500 }));
  client = await testClient();
  worker = await runTestWorker({ pool: db.pool });
});
after(async () => {
  await worker.stop();
  await client.connection.close();
  await receiver.close();
  await db.drop();
});

/** The workflow ids a README query finds among this file's events (its own task queue). */
async function found(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `(${query}) AND TaskQueue = "${worker.taskQueue}"` })) ids.push(wf.workflowId);
  return ids.sort();
}

async function finds(query: string, expected: string[]): Promise<void> {
  const want = [...expected].sort();
  await waitFor(`${query} to find ${want.join(', ') || 'nothing'}`, async () => JSON.stringify(await found(query)) === JSON.stringify(want), 20_000, 250);
}

describe('README list queries (Temporal Web UI saved views)', () => {
  let failing: FixtureSubscription;
  let retrying: FixtureSubscription;
  let fine: FixtureSubscription;
  const workflow: Record<'failed' | 'retrying' | 'delivered', string> = { failed: '', retrying: '', delivered: '' };
  const delivery: Record<'failed' | 'retrying', string> = { failed: '', retrying: '' };
  let startedAt = 0;

  before(async () => {
    failing = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/fails`, retrySchedule: [fast] });
    retrying = await insertSubscription(db.pool, { format: 'aspnet', url: `${receiver.url}/retries`, retrySchedule: [fast, fast, fast, fast, fast, '1h'] });
    fine = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/fine` });
    startedAt = Date.now();
    delivery.failed = await startFixtureDelivery(db.pool, client, worker.taskQueue, failing, sampleEvent());
    delivery.retrying = await startFixtureDelivery(db.pool, client, worker.taskQueue, retrying, sampleEvent('payrun.finalised'));
    const delivered = await startFixtureDelivery(db.pool, client, worker.taskQueue, fine, sampleEvent());
    workflow.failed = workflowIdOf(delivery.failed)!;
    workflow.retrying = workflowIdOf(delivery.retrying)!;
    workflow.delivered = workflowIdOf(delivered)!;
    await waitFor('the failing delivery to fail', async () => (await deliveryState(client, delivery.failed)).status === 'failed');
    await waitFor('the retrying delivery to wait an hour after 6 attempts', async () => {
      const s = await deliveryState(client, delivery.retrying);
      return s.status === 'retrying' && s.attemptCount === 6;
    });
  });
  after(async () => {
    for (const id of Object.values(delivery)) {
      await client.workflow.getHandle(workflowIdOf(id)!).signal(markProcessedSignal, { deliveryId: id, by: 'test', note: 'cleanup' }).catch(() => undefined);
    }
  });

  it('error to-do list: HrhooksStatus = "failed"', async () => {
    await finds('HrhooksStatus = "failed"', [workflow.failed]);
    assert.equal((await client.workflow.count(`HrhooksStatus = "failed" AND TaskQueue = "${worker.taskQueue}"`)).count, 1);
  });

  it('one receiver: HrhooksSubscription = "sub_…"', async () => {
    await finds(`HrhooksSubscription = "${retrying.id}"`, [workflow.retrying]);
    await finds(`HrhooksSubscription = "${fine.id}"`, [workflow.delivered]);
  });

  it('stuck retries: HrhooksStatus = "retrying" AND HrhooksAttempts >= 5', async () => {
    await finds('HrhooksStatus = "retrying" AND HrhooksAttempts >= 5', [workflow.retrying]);
    await finds('HrhooksStatus = "retrying" AND HrhooksAttempts >= 7', []);
    await finds('HrhooksStatus = "retrying" AND HrhooksAttempts >= 6', [workflow.retrying]);
  });

  it('due soon: HrhooksNextAttempt < "…"', async () => {
    const at = (ms: number) => new Date(startedAt + ms).toISOString();
    await finds(`HrhooksNextAttempt < "${at(2 * 3600_000)}"`, [workflow.retrying]);
    await finds(`HrhooksNextAttempt < "${at(30 * 60_000)}"`, []);
    await finds('HrhooksEventType = "payrun.finalised"', [workflow.retrying]);
  });
});
