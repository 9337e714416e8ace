// Scenario "throughput": N events, one standard subscription, receiver answers 200. Ingest rate
// (events accepted per second) and end-to-end rate (first accepted event → last request received),
// with the ratio to raw from the same run, and the history events one delivery costs.
import { round } from '../percentiles';
import { historyEventsPerDelivery } from './history';
import { awaitDelivered, budgetMs, employee, pump, type Scenario } from './scenario';

export const throughput: Scenario = {
  name: 'throughput',
  async run({ stack, api, sizes, earlier }) {
    const n = sizes.throughputEvents;
    const sub = await api.createSubscription({
      name: 'bench throughput', url: `${stack.receiverUrl}/tp`, format: 'standard', events: ['employee.created'],
    });
    try {
      const posted = await pump(api, n, sizes.producers, (i) => employee(i, 'employee.created', `tp-${i}`), budgetMs(n, 10));
      await awaitDelivered(api, '/tp ', n, budgetMs(n));
      const stats = await api.receiverStats('/tp ');
      const firstSent = Math.min(...posted.map((p) => p.sentAt));
      const firstAccepted = Math.min(...posted.map((p) => p.respondedAt));
      const lastAccepted = Math.max(...posted.map((p) => p.respondedAt));
      const ingest = n / ((lastAccepted - firstSent) / 1000);
      const endToEnd = n / ((stats.lastOkAtPrefix - firstAccepted) / 1000);
      const rawRate = earlier.get('raw')?.deliveriesPerSecond;
      const sample = posted.slice(0, 10).flatMap((p) => p.deliveryIds);
      const history = await historyEventsPerDelivery(stack.temporal, sample, { closed: true });
      return {
        figures: {
          events: n,
          ingestPerSecond: round(ingest),
          endToEndPerSecond: round(endToEnd),
          ...(rawRate === undefined ? {} : { ratioToRaw: round(endToEnd / rawRate, 3) }),
          duplicates: stats.requests - n,
          producerRetries: posted.retries ?? 0,
          historyEventsPerDelivery: round(history.mean),
          workerRssMB: round(stack.rss('worker') / 2 ** 20),
          gatewayRssMB: round(stack.rss('gateway') / 2 ** 20),
        },
        notes: [`history of a delivered delivery: ${JSON.stringify(history.byType)}`],
      };
    } finally {
      await api.deleteSubscription(sub.id);
    }
  },
};
