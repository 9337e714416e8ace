// Scenario "fan-out": each leave.approved event goes to many subscriptions of mixed formats
// (standard, aspnet, lucca in turn), each with its own receiver path. Deliveries per second from
// the first accepted event to the last delivery received.
import { round } from '../percentiles';
import { absence, awaitDelivered, budgetMs, pump, type Scenario } from './scenario';

const FORMATS = ['standard', 'aspnet', 'lucca'] as const;

export const fanout: Scenario = {
  name: 'fan-out',
  async run({ stack, api, sizes }) {
    const subs: string[] = [];
    try {
      for (let k = 0; k < sizes.fanoutSubscriptions; k += 1) {
        const format = FORMATS[k % FORMATS.length]!;
        const created = await api.createSubscription({
          name: `bench fan-out ${k}`,
          url: `${stack.receiverUrl}/fan/${k}`,
          format,
          events: ['leave.approved'],
          ...(format === 'lucca' ? { mode: 'all', authorization: 'Basic YmVuY2g6YmVuY2g=' } : {}),
        });
        subs.push(created.id);
      }
      const expected = sizes.fanoutEvents * sizes.fanoutSubscriptions;
      const posted = await pump(api, sizes.fanoutEvents, sizes.producers, (i) => absence(i, `fan-${i}`), budgetMs(expected, 10));
      const started = posted.reduce((sum, p) => sum + p.deliveryIds.length, 0);
      if (started !== expected) throw new Error(`expected ${expected} deliveries, the gateway started ${started}`);
      await awaitDelivered(api, '/fan/', expected, budgetMs(expected));
      const stats = await api.receiverStats('/fan/');
      const firstAccepted = Math.min(...posted.map((p) => p.respondedAt));
      const lastAccepted = Math.max(...posted.map((p) => p.respondedAt));
      const firstSent = Math.min(...posted.map((p) => p.sentAt));
      return {
        figures: {
          events: sizes.fanoutEvents,
          subscriptions: sizes.fanoutSubscriptions,
          deliveries: expected,
          deliveriesPerSecond: round(expected / ((stats.lastOkAtPrefix - firstAccepted) / 1000)),
          ingestEventsPerSecond: round(sizes.fanoutEvents / ((lastAccepted - firstSent) / 1000)),
          producerRetries: posted.retries ?? 0,
          gatewayMeanResponseMs: round(posted.reduce((s, p) => s + p.respondedAt - p.sentAt, 0) / posted.length),
        },
        notes: [`formats in turn: ${FORMATS.join(', ')}`],
      };
    } finally {
      for (const id of subs) await api.deleteSubscription(id);
    }
  },
};
