// Records histories of the `event` workflow for the replay test (run by hand after a deliberate,
// compatible workflow change: `npx tsx test/workflows/histories/record.ts`). Each scenario runs on a
// private dev server with a real worker, Postgres and receiver, and is saved as JSON in this folder.
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { workflowIdOf } from '../../../src/infra/temporal/deliveryClient';
import { cancelSignal, markProcessedSignal, resyncSignal, type EventState } from '../../../workflows/definitions';
import { insertSubscription, sampleAbsence, sampleEvent, startFixtureEvent, deliveryState } from '../../support/fixtures';
import { createTestDatabase } from '../../support/postgres';
import { startReceiver } from '../../support/receiver';
import { runTestWorker, testClient } from '../../support/temporal';
import { waitFor } from '../../support/waitFor';

/** The history as protobuf bytes (base64) in a small JSON file: exact, whatever the SDK's JSON mapping does. */
function encoded(workflowId: string, history: temporal.api.history.v1.IHistory): string {
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  return `${JSON.stringify({ workflowId, events: history.events?.length ?? 0, history: Buffer.from(bytes).toString('base64') }, null, 1)}\n`;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const receiver = await startReceiver();
  const client = await testClient();
  const worker = await runTestWorker({ pool: db.pool });
  const save = async (name: string, workflowId: string) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(path.join(__dirname, `${name}.json`), encoded(workflowId, history));
    console.log(`recorded ${name} (${history.events?.length} events)`);
  };
  try {
    receiver.respondWith((req) => ({ status: req.path.startsWith('/down') ? 503 : 200 }));
    const lucca = await insertSubscription(db.pool, { format: 'lucca', url: `${receiver.url}/lucca`, authorization: 'Basic Zm9vOmJhcg==' });
    const aspnet = await insertSubscription(db.pool, { format: 'aspnet', url: `${receiver.url}/aspnet` });
    const down = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/down-1`, retrySchedule: ['300ms', '1h'] });
    const down2 = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/down-2`, retrySchedule: ['1h'] });

    // Fan-out: two delivered at once, one retried, failed, resynced once the receiver is back.
    const [, , retried] = await startFixtureEvent(db.pool, client, worker.taskQueue, [lucca, aspnet, down], sampleEvent('leave.approved', sampleAbsence()));
    await waitFor('retrying after the second attempt', async () => ((await deliveryState(client, retried!)).attemptCount === 2 ? true : undefined));
    receiver.respondWith({ status: 200 });
    await client.workflow.getHandle(workflowIdOf(retried!)!).signal(resyncSignal, { deliveryId: retried!, by: 'ops', note: 'back' });
    await client.workflow.getHandle(workflowIdOf(retried!)!).result();
    await save('fanout-resync', workflowIdOf(retried!)!);

    // Operator closes: mark processed and cancel while both wait on their ladders.
    receiver.respondWith((req) => ({ status: req.path.startsWith('/down') ? 503 : 200 }));
    const [p, c] = await startFixtureEvent(db.pool, client, worker.taskQueue, [down, down2], sampleEvent());
    await waitFor('both retrying', async () => ((await deliveryState(client, c!)).status === 'retrying' && (await deliveryState(client, p!)).status === 'retrying' ? true : undefined));
    const handle = client.workflow.getHandle(workflowIdOf(p!)!);
    await handle.signal(markProcessedSignal, { deliveryId: p!, by: 'admin', note: 'by hand' });
    await handle.signal(cancelSignal, { deliveryId: c!, by: 'system', reason: 'subscription deleted' });
    await handle.result();
    await save('operator-close', workflowIdOf(p!)!);

    // Continue-as-new across a long ladder, then mark processed.
    const long = await insertSubscription(db.pool, { format: 'standard', url: `${receiver.url}/down-3`, retrySchedule: ['50ms', '50ms', '50ms', '50ms', '50ms'] });
    const [l] = await startFixtureEvent(db.pool, client, worker.taskQueue, [long], sampleEvent(), { historyLimit: 20 });
    const first = await client.workflow.getHandle(workflowIdOf(l!)!).describe();
    await waitFor('failed', async () => ((await deliveryState(client, l!)).status === 'failed' ? true : undefined));
    await save('continue-as-new', workflowIdOf(l!)!);
    const [firstRun] = [first.runId];
    const firstHistory = await client.workflow.getHandle(workflowIdOf(l!)!, firstRun).fetchHistory();
    fs.writeFileSync(path.join(__dirname, 'continue-as-new-first-run.json'), encoded(workflowIdOf(l!)!, firstHistory));
    await client.workflow.getHandle(workflowIdOf(l!)!).signal(markProcessedSignal, { deliveryId: l!, by: 't', note: 'done' });
    const final: EventState = await client.workflow.getHandle(workflowIdOf(l!)!).result();
    console.log(`continue-as-new ended ${final.deliveries[0]!.status} after ${final.runs} runs`);
  } finally {
    await worker.stop();
    await client.connection.close();
    await receiver.close();
    await db.drop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
