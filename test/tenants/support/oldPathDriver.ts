// Run by test/tenants/upgrade.test.ts INSIDE a copy of the tree before tenants (copied to the same path there): the
// old code migrates an empty database to its own last schema (011), and its real gateway and worker make open
// deliveries through the old path: one retrying, one failed, one queued behind an earlier event of its resource
// (ordered lucca subscription), one held by a paused subscription. It prints what it made as one JSON line.
// Imports stay to what both trees export alike (the key helper is called loosely: its arity changed).
import request from 'supertest';
import { loadConfig } from '../../../src/infra/config';
import { createApiKey } from '../../../src/infra/db/apiKeys';
import { migrate } from '../../../src/infra/db/migrate';
import { createPool } from '../../../src/infra/db/pool';
import { createLogger } from '../../../src/infra/observability/log';
import { createApp } from '../../../src/interfaces/api/app';
import { runTestWorker, testBox, testClient } from '../../support/temporal';

interface DriverInput { databaseUrl: string; temporalAddress: string; taskQueue: string; receiverUrl: string }

const input = JSON.parse(process.argv[2]!) as DriverInput;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`old path: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const absence = (confirmed: boolean) => ({
  id: 5501, owner: { id: 7, name: 'Old Path Person', email: 'old@example.test', employeeNumber: '7' },
  leaveAccount: { id: 1, name: 'Annual leave', categoryId: 1, categoryName: 'Annual leave', unit: 'days' },
  start: { date: '2026-03-02', half: 'AM' }, end: { date: '2026-03-03', half: 'PM' }, halfDays: null, durationInHours: null,
  isConfirmed: confirmed, confirmationDate: confirmed ? '2026-02-01T10:00:00' : null, isCancelled: false, cancellationDate: null,
  creationDate: '2026-02-01T09:00:00',
});

async function main(): Promise<void> {
  const pool = createPool(input.databaseUrl, 5);
  const applied = await migrate(pool);
  const keyOf = createApiKey as unknown as (pool: unknown, scope: string, name: string) => Promise<{ id: string; key: string }>;
  const admin = await keyOf(pool, 'admin', 'bootstrap admin (old)');
  const producer = await keyOf(pool, 'producer', 'bootstrap producer (old)');
  const worker = await runTestWorker({ pool, databaseUrl: input.databaseUrl, taskQueue: input.taskQueue, address: input.temporalAddress });
  const temporal = await testClient(input.temporalAddress);
  const config = loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32' });
  const app = createApp({ pool, temporal, taskQueue: input.taskQueue, box: testBox, config, log: createLogger('silent') } as Parameters<typeof createApp>[0]);
  const post = async (key: string, path: string, body: unknown) => {
    const res = await request(app).post(path).set('authorization', `Bearer ${key}`).send(body as object);
    if (res.status >= 300) throw new Error(`old path: POST ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  const status = async (id: string) => (await pool.query('SELECT status, waiting_for FROM deliveries WHERE id = $1', [id])).rows[0] ?? {};
  const subscribe = async (name: string, body: Record<string, unknown>) =>
    (await post(admin.key, '/v1/subscriptions', { name, url: `${input.receiverUrl}/${name}`, ...body })).id as string;
  const send = async (type: string, id: string, data: unknown) => {
    const accepted = await post(producer.key, '/v1/events', { id, type, occurredAt: '2026-02-01T09:00:00Z', data });
    return (accepted.deliveries as { id: string }[]).map((d) => d.id);
  };

  const subscriptions = {
    retrying: await subscribe('retrying', { format: 'standard', events: ['employee.created'], retrySchedule: Array(20).fill('3s') }),
    failed: await subscribe('failed', { format: 'aspnet', events: ['employee.updated'], retrySchedule: ['1s'], ordering: 'none' }),
    ordered: await subscribe('ordered', { format: 'lucca', mode: 'all', authorization: 'Bearer old-lucca', events: ['leave.created', 'leave.approved'], retrySchedule: ['1s'] }),
    paused: await subscribe('paused', { format: 'standard', events: ['payrun.finalised'], retrySchedule: ['1h'], pauseAfterFailures: 1, ordering: 'none' }),
  };
  const [retrying] = await send('employee.created', 'old-emp-created', { id: 11, firstName: 'Ret', lastName: 'Rying' });
  const [failed] = await send('employee.updated', 'old-emp-updated', { id: 12, firstName: 'Fai', lastName: 'Led' });
  const [orderedFirst] = await send('leave.created', 'old-leave-created', absence(false));
  const [orderedSecond] = await send('leave.approved', 'old-leave-approved', absence(true));
  const [pausedFirst] = await send('payrun.finalised', 'old-payrun-1', { Id: 1, IsFinalised: true });
  await waitFor('the paused subscription paused', async () =>
    (await pool.query('SELECT paused_at FROM flow_control WHERE subscription_id = $1', [subscriptions.paused])).rows[0]?.paused_at != null);
  const [pausedSecond] = await send('payrun.finalised', 'old-payrun-2', { Id: 2, IsFinalised: true });
  const deliveries = { retrying: retrying!, failed: failed!, orderedFirst: orderedFirst!, orderedSecond: orderedSecond!, pausedFirst: pausedFirst!, pausedSecond: pausedSecond! };

  await waitFor('the old path\'s open deliveries', async () =>
    (await status(deliveries.retrying)).status === 'retrying'
    && (await status(deliveries.failed)).status === 'failed'
    && (await status(deliveries.orderedFirst)).status === 'failed'
    && (await status(deliveries.orderedSecond)).status === 'queued'
    && (await status(deliveries.pausedFirst)).status === 'retrying'
    && (await status(deliveries.pausedSecond)).status === 'queued'
    && (await status(deliveries.pausedSecond)).waiting_for === 'subscription paused');
  await worker.stop();
  await temporal.connection.close();
  await pool.end();
  process.stdout.write(`${JSON.stringify({ applied, adminKey: admin.key, adminKeyId: admin.id, producerKey: producer.key, producerKeyId: producer.id, subscriptions, deliveries })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
