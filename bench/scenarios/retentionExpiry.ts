// Scenario "retention-expiry" (issue 23 item 5): the latency scenario's open loop twice in one run, alone and then
// while the `hrhooks-retention` schedule (triggered) expires a day holding `retentionAttempts` attempt rows: its
// partition dropped (a few open deliveries' attempts moved out first), its closed deliveries and events deleted row
// by row. Reports both p99s and their ratio (target: at most 1.10), how long the expiry took and what it removed.
import type { Pool } from 'pg';
import { round } from '../percentiles';
import { measureLatency } from './latency';
import { runId, type Scenario } from './scenario';
import { retentionScheduleId } from '../../src/infra/temporal/retentionSchedule';

const DAY = 86_400_000;
/** Deliveries of the expired day still open (failed): their attempts must survive the drop. */
const OPEN = 10;
/** A typical sent body and answer (the attempt log's bulk). */
const BODY = JSON.stringify({ type: 'employee.updated', data: { id: 1, firstName: 'Luca', lastName: 'Pacioli', padding: 'x'.repeat(200) } });

/** Writes one day's events, deliveries (OPEN of them failed, the rest delivered; all started, so the gateway's re-drive leaves them) and attempts, in chunks. */
async function seedDay(pool: Pool, day: Date, subscriptionId: string, attempts: number, perDelivery: number): Promise<number> {
  await pool.query('SELECT attempts_partition_ensure($1::date)', [day.toISOString().slice(0, 10)]);
  const deliveries = Math.ceil(attempts / perDelivery);
  const chunk = 50_000;
  for (let from = 1; from <= deliveries; from += chunk) {
    const to = Math.min(deliveries, from + chunk - 1);
    const params = [day, from, to, `ret-${runId}`, subscriptionId, DAY / deliveries];
    await pool.query(
      `INSERT INTO events (id, type, occurred_at, body, body_hash, received_at)
       SELECT $4::text || '-' || g, 'employee.updated', t, '{}', 'h', t
         FROM generate_series($2::int, $3::int) g, LATERAL (SELECT $1::timestamptz + (g * $5::float8) * interval '1 millisecond' AS t) x`,
      [day, from, to, `ret-${runId}`, DAY / deliveries]);
    await pool.query(
      `INSERT INTO deliveries (id, event_id, subscription_id, event_type, format, status, attempts, workflow_started, created_at, updated_at)
       SELECT 'dlv_' || $5::text || '_' || lpad($4::text || g, 22, '0'), $4::text || '-' || g, $5::text, 'employee.updated', 'standard',
              CASE WHEN g <= ${OPEN} THEN 'failed' ELSE 'delivered' END, ${perDelivery}, true, t, t
         FROM generate_series($2::int, $3::int) g, LATERAL (SELECT $1::timestamptz + (g * $6::float8) * interval '1 millisecond' AS t) x`,
      params);
    await pool.query(
      `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, url, request_headers, request_body, status_code,
                             response_headers, response_body, outcome)
       SELECT 'dlv_' || $5::text || '_' || lpad($4::text || g, 22, '0'), n, t + n * interval '1 second', 80, 'http://127.0.0.1/old', '{}', $7::text,
              CASE WHEN n = ${perDelivery} THEN 200 ELSE 503 END, '{}', 'ok', CASE WHEN n = ${perDelivery} THEN 'success' ELSE 'retry' END
         FROM generate_series($2::int, $3::int) g, generate_series(1, ${perDelivery}) n,
              LATERAL (SELECT $1::timestamptz + (g * $6::float8) * interval '1 millisecond' AS t) x`,
      [...params, BODY]);
  }
  return deliveries;
}

export const retentionExpiry: Scenario = {
  name: 'retention-expiry',
  async run({ stack, api, sizes, log, startCpuWindow }) {
    const old = new Date(Math.floor(Date.now() / DAY) * DAY - 400 * DAY);
    const partition = `attempts_p${old.toISOString().slice(0, 10).replaceAll('-', '')}`;
    const sub = await api.createSubscription({ name: 'bench retention (old day)', url: `${stack.receiverUrl}/ret-old`, format: 'standard', events: ['employee.updated'] });
    log(`retention-expiry: writing ${sizes.retentionAttempts} attempts into ${partition}`);
    const t0 = performance.now();
    const deliveries = await seedDay(stack.pool, old, sub.id, sizes.retentionAttempts, sizes.retentionAttemptsPerDelivery);
    const rows = (await stack.pool.query(`SELECT count(*)::int AS n FROM ${partition}`)).rows[0].n as number;
    await stack.pool.query('ANALYZE attempts');
    await stack.pool.query('ANALYZE deliveries');
    await stack.pool.query('CHECKPOINT');
    log(`retention-expiry: ${rows} rows written in ${Math.round((performance.now() - t0) / 1000)} s`);
    startCpuWindow();

    const alone = await measureLatency(api, stack.receiverUrl, sizes.latencyRate, sizes.latencySeconds, 'retA', true);
    const schedule = stack.temporal.schedule.getHandle(retentionScheduleId('hrhooks'));
    const expiry = (async () => {
      await new Promise((r) => setTimeout(r, (sizes.latencySeconds * 1000) / 5));
      const before = (await schedule.describe()).info.recentActions.length;
      const started = performance.now();
      await schedule.trigger();
      let action;
      for (let i = 0; i < 600 && !action; i += 1) {
        const recent = (await schedule.describe()).info.recentActions;
        if (recent.length > before) action = recent[recent.length - 1];
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (!action) throw new Error('the retention schedule started no workflow in 60 s');
      const result = await stack.temporal.workflow.getHandle(action.action.workflow.workflowId).result() as Record<string, number | string[]>;
      return { ms: performance.now() - started, result };
    })();
    const during = await measureLatency(api, stack.receiverUrl, sizes.latencyRate, sizes.latencySeconds, 'retB', true);
    const { ms, result } = await expiry;

    const gone = (await stack.pool.query('SELECT 1 FROM pg_class WHERE relname = $1', [partition])).rowCount === 0;
    const kept = (await stack.pool.query(
      `SELECT count(*)::int AS n FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = $1 AND d.status = 'failed'`, [sub.id])).rows[0].n as number;
    if (!gone) throw new Error(`${partition} was not dropped`);
    if (kept !== OPEN * sizes.retentionAttemptsPerDelivery) throw new Error(`open deliveries kept ${kept} attempts, expected ${OPEN * sizes.retentionAttemptsPerDelivery}`);
    await api.deleteSubscription(sub.id).catch(() => undefined);
    const expiryEndedWithinLoad = ms + (sizes.latencySeconds * 1000) / 5 <= sizes.latencySeconds * 1000;
    return {
      figures: {
        attemptRows: rows,
        deliveries,
        p99AloneMs: alone.p99Ms!,
        p99DuringExpiryMs: during.p99Ms!,
        p99Ratio: round(during.p99Ms! / alone.p99Ms!, 3),
        p50AloneMs: alone.p50Ms!,
        p50DuringExpiryMs: during.p50Ms!,
        gatewayP99AloneMs: alone.gatewayP99Ms!,
        gatewayP99DuringExpiryMs: during.gatewayP99Ms!,
        refusedAlone: alone.refused!,
        refusedDuringExpiry: during.refused!,
        producerRetriesAlone: alone.producerRetries!,
        producerRetriesDuringExpiry: during.producerRetries!,
        expiryMs: round(ms),
        expiryPartitionsMs: Number(result.partitionsMs),
        expiryRowWiseMs: Number(result.rowWiseMs),
        attemptsInDroppedPartition: Number(result.attemptsInDroppedPartitions),
        attemptsKeptOpen: Number(result.attemptsKeptOpen),
        deliveriesDeleted: Number(result.deliveriesDeleted),
        eventsDeleted: Number(result.eventsDeleted),
      },
      notes: [
        `open loop ${sizes.latencyRate} events/s for ${sizes.latencySeconds} s, alone then with the expiry triggered ${sizes.latencySeconds / 5} s in`,
        `${rows} attempts (${sizes.retentionAttemptsPerDelivery} per delivery) of one day 400 days old; ${partition} dropped, ${kept} attempts of ${OPEN} open deliveries kept`,
        expiryEndedWithinLoad ? 'the expiry ended within the loaded window' : 'the expiry outlasted the loaded window: only part of it overlapped the load',
      ],
    };
  },
};
