// Retention per tenant (issue 23 item 5, done-when (c)) on real Postgres and the shared Temporal dev server, with
// the real worker process: its `hrhooks-retention` schedule exists, triggering it runs the `retention` workflow,
// which drops an expired day partition of `attempts` (checked in the catalog), keeps open deliveries and their
// attempts, strips bodies after `bodies`, deletes closed deliveries and events after `events`, each tenant by
// its own periods. Clock-independent: rows are written with started_at / created_at days in the past.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { spawnWorker, type WorkerChild } from '../support/processes';
import { sharedTemporalAddress, testClient, uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/waitFor';
import { createTenant, getTenant, updateTenantFields } from '../../src/app/tenants/manage';
import { runRetention } from '../../src/app/retention/run';
import { recordAttempts, writeDeliveryStatus, type AttemptRecord } from '../../src/infra/db/deliveryStatus';
import { retentionScheduleId } from '../../src/infra/temporal/retentionSchedule';

const DAY = 86_400_000;
const SECRET_BODY = 'Ada Lovelace sick leave';
let db: TestDatabase;
let worker: WorkerChild;
let client: Client;
const taskQueue = uniqueTaskQueue('retention');
/** hrhooks-retention on task queue `hrhooks`; tests run on a queue of their own, so the schedule is named after it. */
const scheduleId = retentionScheduleId(taskQueue);
const now = Date.now();
const daysAgo = (n: number) => new Date(now - n * DAY);
const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const partitionName = (d: Date) => `attempts_p${utcDay(d).replaceAll('-', '')}`;

let seq = 0;
/** An event, one delivery of it in `status` created `age` days ago, and `attempts` attempts started that day. */
async function delivery(tenant: string, status: string, age: number, attempts = 2): Promise<{ id: string; eventId: string }> {
  seq += 1;
  const eventId = `evt-${tenant}-${seq}`;
  const sub = `sub_${tenant}`;
  const id = `dlv_${sub}_${String(seq).padStart(22, '0')}`;
  const at = daysAgo(age);
  await db.pool.query(
    `INSERT INTO events (tenant_id, id, type, occurred_at, body, body_hash, received_at) VALUES ($1, $2, 'leave.approved', $3, '{}', 'h', $3)`,
    [tenant, eventId, at],
  );
  await db.pool.query(
    `INSERT INTO deliveries (id, tenant_id, event_id, subscription_id, event_type, format, status, attempts, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'leave.approved', 'standard', $5, $6, $7, $7)`,
    [id, tenant, eventId, sub, status, attempts, at],
  );
  for (let n = 1; n <= attempts; n += 1) {
    await db.pool.query(
      `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code, response_body, outcome)
       VALUES ($1, $2, $3, 120, 'http://127.0.0.1/x', '{}', $4, 500, $4, 'retry')`,
      [id, n, new Date(at.getTime() + n * 1000), SECRET_BODY],
    );
  }
  return { id, eventId };
}

async function attemptRows(id: string) {
  return (await db.pool.query(
    `SELECT tableoid::regclass::text AS part, number, started_at, duration_ms, status_code, outcome, request_body, response_body, bodies_dropped_at
       FROM attempts WHERE delivery_id = $1 ORDER BY number`, [id])).rows;
}
async function exists(table: 'deliveries' | 'events', id: string): Promise<boolean> {
  return (await db.pool.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;
}
async function partitions(): Promise<string[]> {
  return (await db.pool.query(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'attempts'::regclass ORDER BY 1`,
  )).rows.map((r) => r.relname);
}

/** Triggers the schedule and waits for the workflow run it started; returns its result. */
async function triggerRun(): Promise<Record<string, unknown>> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  const action = await waitFor('the schedule to start a retention workflow', async () => {
    const recent = (await handle.describe()).info.recentActions;
    return recent.length > before ? recent[recent.length - 1] : null;
  }, 30_000);
  const run = client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
  return run.result();
}

before(async () => {
  db = await createTestDatabase();
  for (const [tenant, retention] of [['short', { events: '5d', bodies: '2d' }], ['long', { events: '60d', bodies: '20d' }]] as const) {
    await db.pool.query('INSERT INTO tenants (id, name, retention) VALUES ($1, $1, $2)', [tenant, JSON.stringify(retention)]);
  }
  for (const tenant of ['default', 'short', 'long']) {
    await db.pool.query(
      `INSERT INTO subscriptions (id, tenant_id, name, url, format, events) VALUES ($1, $2, 's', 'http://127.0.0.1/x', 'standard', '["*"]')`,
      [`sub_${tenant}`, tenant],
    );
  }
  client = await testClient();
  worker = spawnWorker({
    databaseUrl: db.url,
    temporalAddress: await sharedTemporalAddress(),
    taskQueue,
    env: { HRHOOKS_RETENTION_EVENTS: '30d', HRHOOKS_RETENTION_BODIES: '10d', HRHOOKS_RETENTION_EVERY: '1h', HRHOOKS_TEMPORAL_RETENTION: 'managed', LOG_LEVEL: 'info' },
  });
  await worker.ready;
});

after(async () => {
  await client?.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  await worker?.kill('SIGTERM');
  await client?.connection.close();
  await db?.drop();
});

describe('retention per tenant', () => {
  test('the worker creates the hrhooks-retention schedule (named after a non-default task queue): the retention workflow on its task queue, every HRHOOKS_RETENTION_EVERY', async () => {
    const described = await client.schedule.getHandle(scheduleId).describe();
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.workflowType, 'retention');
    assert.equal(described.action.taskQueue, taskQueue);
    assert.equal(retentionScheduleId('hrhooks'), 'hrhooks-retention', 'the default installation\'s schedule is hrhooks-retention');
    assert.deepEqual(described.spec.intervals?.map((i) => i.every), [3_600_000]);
  });

  test('a run creates the partitions ahead that are missing', async () => {
    const lastDay = partitionName(new Date(now + 7 * DAY));
    await db.pool.query(`DROP TABLE ${lastDay}`);
    assert.ok(!(await partitions()).includes(lastDay));
    const result = await triggerRun();
    assert.ok((result.partitionsCreated as number) >= 1);
    assert.ok((await partitions()).includes(lastDay), 'the partition 7 days ahead is back');
  });

  test('a run drops the expired day partition, keeps open deliveries, strips bodies and deletes closed deliveries per tenant', async () => {
    // day 70: past the longest events period (long: 60d), its partition goes
    const old = daysAgo(70);
    await db.pool.query('SELECT attempts_partition_ensure($1::date)', [utcDay(old)]);
    await db.pool.query('SELECT attempts_partition_ensure($1::date)', [utcDay(daysAgo(40))]);
    const longOldClosed = await delivery('long', 'delivered', 70);
    const longOldOpen = await delivery('long', 'failed', 70);
    const longMid = await delivery('long', 'delivered', 40);
    const longRecent = await delivery('long', 'delivered', 15);
    const shortMid = await delivery('short', 'delivered', 40);
    const shortOpen = await delivery('short', 'retrying', 40);
    const short3 = await delivery('short', 'processed', 3);
    const short1 = await delivery('short', 'cancelled', 1);
    const defaultMid = await delivery('default', 'superseded', 40);
    const default15 = await delivery('default', 'delivered', 15);
    await db.pool.query(
      `INSERT INTO events (tenant_id, id, type, occurred_at, body, body_hash, received_at) VALUES ('short', 'evt-alone', 't', $1, '{}', 'h', $1)`,
      [daysAgo(8)],
    );
    assert.ok((await partitions()).includes(partitionName(old)), 'the old day has its partition before the run');
    assert.equal((await attemptRows(longOldClosed.id))[0].part, partitionName(old));

    const result = await triggerRun();

    // (c) the expired partition is gone from the catalog, not emptied row by row
    assert.ok(!(await partitions()).includes(partitionName(old)), 'pg_inherits no longer lists the expired partition');
    assert.equal((await db.pool.query('SELECT 1 FROM pg_class WHERE relname = $1', [partitionName(old)])).rowCount, 0, 'the partition is dropped');
    assert.ok((result.partitionsDropped as string[]).includes(partitionName(old)));
    assert.ok((await partitions()).includes(partitionName(daysAgo(40))), 'a day within the longest period keeps its partition');
    // the open delivery of that day and its attempts stay (moved to the default partition), bodies too
    assert.ok(await exists('deliveries', longOldOpen.id));
    assert.ok(await exists('events', longOldOpen.eventId));
    const kept = await attemptRows(longOldOpen.id);
    assert.deepEqual(kept.map((a) => [a.part, a.request_body]), [['attempts_default', SECRET_BODY], ['attempts_default', SECRET_BODY]]);
    assert.ok((result.attemptsKeptOpen as number) >= 2);
    // the closed one is gone with its event
    assert.deepEqual(await attemptRows(longOldClosed.id), []);
    assert.ok(!(await exists('deliveries', longOldClosed.id)));
    assert.ok(!(await exists('events', longOldClosed.eventId)));

    // long (60d / 20d): day 40 stripped, kept; day 15 untouched
    const stripped = await attemptRows(longMid.id);
    assert.equal(stripped.length, 2);
    for (const a of stripped) {
      assert.equal(a.request_body, '');
      assert.equal(a.response_body, null);
      assert.ok(a.bodies_dropped_at);
      assert.deepEqual([a.duration_ms, a.status_code, a.outcome], [120, 500, 'retry'], 'what the charts read stays');
    }
    assert.deepEqual((await attemptRows(longRecent.id)).map((a) => a.request_body), [SECRET_BODY, SECRET_BODY]);
    // short (5d / 2d): the closed delivery of day 40 deleted row by row, the open one untouched; day 3 stripped, day 1 not
    assert.ok(!(await exists('deliveries', shortMid.id)));
    assert.ok(!(await exists('events', shortMid.eventId)));
    assert.deepEqual(await attemptRows(shortMid.id), []);
    assert.ok(await exists('deliveries', shortOpen.id));
    assert.deepEqual((await attemptRows(shortOpen.id)).map((a) => a.request_body), [SECRET_BODY, SECRET_BODY]);
    assert.deepEqual((await attemptRows(short3.id)).map((a) => a.request_body), ['', '']);
    assert.ok(await exists('deliveries', short3.id));
    assert.deepEqual((await attemptRows(short1.id)).map((a) => a.request_body), [SECRET_BODY, SECRET_BODY]);
    assert.ok(!(await exists('events', 'evt-alone')), 'an event with no delivery goes after events too');
    // default (HRHOOKS_RETENTION_EVENTS=30d, _BODIES=10d)
    assert.ok(!(await exists('deliveries', defaultMid.id)));
    assert.deepEqual((await attemptRows(default15.id)).map((a) => a.request_body), ['', '']);

    // partitions a week ahead exist
    const ahead = Array.from({ length: 8 }, (_, i) => partitionName(new Date(now + i * DAY)));
    const present = new Set(await partitions());
    assert.deepEqual(ahead.filter((p) => !present.has(p)), []);
    // hrhooks manages this namespace (HRHOOKS_TEMPORAL_RETENTION=managed): closed workflows kept as long as the longest events period
    const ns = await client.workflowService.describeNamespace({ namespace: 'default' });
    assert.equal(Number(ns.config?.workflowExecutionRetentionTtl?.seconds), 60 * 86_400);
    // its log line: counts, no personal data
    await waitFor('the run logged', async () => worker.output().includes('retention run'));
    const line = worker.output().split('\n').find((l) => l.includes('retention run'))!;
    assert.ok(!line.includes('Ada') && !line.includes(longOldOpen.id), line);
  });

  test('an attempt number stays unique per delivery across day partitions: a rewrite replaces it, even concurrently', async () => {
    const { id } = await delivery('long', 'retrying', 3, 0);
    for (const age of [1, 2]) await db.pool.query('SELECT attempts_partition_ensure($1::date)', [utcDay(daysAgo(age))]);
    const attempt = (startedAt: Date, body: string): AttemptRecord => ({
      deliveryId: id, number: 1, startedAt, durationMs: 5, url: 'http://127.0.0.1/x', requestHeaders: {}, requestBody: body,
      statusCode: 500, responseHeaders: null, responseBody: null, responseTruncated: false, errorKind: null, errorMessage: null, outcome: 'retry',
    });
    const update = { status: 'retrying' as const, nextAttemptAt: null, lastError: 'HTTP 500' };
    await recordAttempts(db.pool, [{ attempt: attempt(daysAgo(2), 'first'), update }]);
    // the retried activity records the same attempt again, a day later: another partition
    await recordAttempts(db.pool, [{ attempt: attempt(daysAgo(1), 'second'), update }]);
    assert.deepEqual((await attemptRows(id)).map((a) => [a.number, a.request_body, a.part]), [[1, 'second', partitionName(daysAgo(1))]],
      'one row, in the second day\'s partition');
    await Promise.all([0, 1, 2, 3].map((i) => recordAttempts(db.pool, [{ attempt: attempt(daysAgo(i), `racer ${i}`), update }])));
    assert.equal((await attemptRows(id)).length, 1, 'concurrent writers of one attempt leave one row');
    // what the workflow records of an attempt it never got back does not duplicate a recorded one
    await writeDeliveryStatus(db.pool, id, 'retrying', null, undefined, { number: 1, at: daysAgo(5).toISOString(), error: 'lost', outcome: 'retry' });
    await writeDeliveryStatus(db.pool, id, 'retrying', null, undefined, { number: 2, at: daysAgo(5).toISOString(), error: 'lost', outcome: 'retry' });
    assert.deepEqual((await attemptRows(id)).map((a) => a.number), [1, 2]);
  });

  test('one run at a time: a run that finds another going on (another worker, a local activity run again) skips', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [0x68726b72]);
      const result = await runRetention(db.pool, { events: '30d', bodies: '10d' });
      assert.equal(result.skipped, true);
      assert.equal(result.partitionsCreated + result.deliveriesDeleted + result.bodiesStripped, 0);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [0x68726b72]);
      holder.release();
    }
    assert.equal((await runRetention(db.pool, { events: '30d', bodies: '10d' })).skipped, false);
  });

  test('tenant retention: stored through the tenant use cases, bad periods named by field', async () => {
    const deps = { pool: db.pool };
    const created = await createTenant(deps, { id: 'r1', name: 'R1', retention: { events: '90d', bodies: '30d' } });
    assert.ok(created.ok);
    const bad = await createTenant(deps, { name: 'R2', retention: { events: '90', bodies: '1y' } });
    assert.ok(!bad.ok && bad.reason === 'invalid');
    assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['retention.bodies', 'retention.events']);
    const longer = await updateTenantFields(deps, 'r1', { retention: { events: '10d', bodies: '20d' } });
    assert.ok(!longer.ok && longer.reason === 'invalid');
    assert.deepEqual(longer.errors.map((e) => e.field), ['retention.bodies']);
    const unknown = await updateTenantFields(deps, 'r1', { retention: { logs: '1d' } });
    assert.ok(!unknown.ok && unknown.reason === 'invalid' && unknown.errors[0]!.field === 'retention.logs');
    const patched = await updateTenantFields(deps, 'r1', { retention: { events: '7d' } });
    assert.ok(patched.ok);
    assert.deepEqual((await getTenant(deps, 'r1'))!.retention, { events: '7d' });
  });
});
