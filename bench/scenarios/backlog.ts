// Scenario "backlog": the receiver is down (503) while N deliveries pile up. Each goes through
// `retrying` (ladder ["1s"]) to `failed`, its workflow open and waiting for an operator, which is
// what the bulk resync API targets. Cost per waiting delivery (worker and gateway RSS, Temporal
// SQLite growth, Postgres growth), then the receiver recovers and one bulk resync drains them all.
import { round } from '../percentiles';
import { awaitDelivered, budgetMs, now, pump, waitUntil, type Scenario } from './scenario';

const MB = 2 ** 20;

export const backlog: Scenario = {
  name: 'backlog',
  async run({ stack, api, sizes, log }) {
    const n = sizes.backlogDeliveries;
    await api.receiverStatus('/backlog', 503);
    const sub = await api.createSubscription({
      name: 'bench backlog', url: `${stack.receiverUrl}/backlog`, format: 'standard', events: ['payrun.finalised'], retrySchedule: ['1s'],
      // the backlog is built from failed deliveries on purpose: the circuit breaker must not hold them instead
      pauseAfterFailures: 100_000,
    });
    try {
      const before = { sqlite: stack.sqliteBytes(), pg: await stack.postgresBytes(), worker: stack.rss('worker'), gateway: stack.rss('gateway') };
      const fillStart = now();
      const posted = await pump(api, n, sizes.producers, (i) => ({
        id: `bench-backlog-${sub.id}-${i}`, type: 'payrun.finalised', occurredAt: new Date().toISOString(), data: { id: i, benchKey: `bl-${i}` },
      }), budgetMs(n, 10));
      const ingestSeconds = (now() - fillStart) / 1000;
      let waiting = 0;
      const filled = await waitUntil(async () => {
        const { rows } = await stack.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM deliveries WHERE subscription_id = $1 AND status = 'failed'`, [sub.id]);
        waiting = Number(rows[0]!.n);
        return waiting >= n;
      }, budgetMs(2 * n, 10), 1_000);
      if (!filled) throw new Error(`only ${waiting} of ${n} deliveries reached the waiting state`);
      const fillSeconds = (now() - fillStart) / 1000;
      await new Promise((r) => setTimeout(r, 2_000));
      const after = { sqlite: stack.sqliteBytes(), pg: await stack.postgresBytes(), worker: stack.rss('worker'), gateway: stack.rss('gateway') };
      log(`backlog of ${n} waiting after ${round(fillSeconds)} s; draining`);

      await api.receiverStatus('/backlog', 200);
      const drainStart = now();
      const resync = api.bulkResync(sub.id).then(
        (r) => ({ signalled: r.signalled, at: now(), error: null as string | null }),
        (err: Error) => ({ signalled: Number.NaN, at: now(), error: err.message }),
      );
      await awaitDelivered(api, '/backlog ', n, budgetMs(n));
      const answered = await resync;
      const stats = await api.receiverStats('/backlog ');
      const drainSeconds = (stats.lastOkAtPrefix - drainStart) / 1000;
      return {
        figures: {
          waitingDeliveries: n,
          fillSeconds: round(fillSeconds),
          ingestPerSecond: round(n / ingestSeconds),
          producerRetries: posted.retries ?? 0,
          workerRssMB: round(after.worker / MB),
          gatewayRssMB: round(after.gateway / MB),
          workerRssKBPerWaiting: round((after.worker - before.worker) / 1024 / n, 2),
          gatewayRssKBPerWaiting: round((after.gateway - before.gateway) / 1024 / n, 2),
          sqliteKBPerWaiting: round((after.sqlite - before.sqlite) / 1024 / n, 2),
          postgresKBPerWaiting: round((after.pg - before.pg) / 1024 / n, 2),
          bulkResyncResponseSeconds: round((answered.at - drainStart) / 1000, 2),
          bulkResyncSignalled: answered.signalled,
          drainPerSecond: round(n / drainSeconds),
          timeToEmptySeconds: round(drainSeconds, 2),
        },
        notes: [
          ...(answered.error ? [`the bulk resync request itself failed (${answered.error}); the gateway kept signalling`] : []),
          'waiting = status failed after 2 attempts (ladder ["1s"]); RSS/KB deltas are from before the fill to after it',
        ],
      };
    } finally {
      await api.receiverStatus('/backlog', 200);
      await api.deleteSubscription(sub.id);
    }
  },
};
