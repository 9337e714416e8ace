// Scenarios "fan-out" and "fan-out-10": each leave.approved event goes to several subscriptions of
// mixed formats (standard, aspnet, lucca in turn), each with its own receiver path. Deliveries per
// second from the first accepted event to the last delivery received; compared (in the report's
// ratios) with the one-subscription rate of `throughput` in the same run.
import { round } from '../percentiles';
import { historyEventsPerDelivery } from './history';
import { absence, awaitDelivered, budgetMs, pump, type Scenario } from './scenario';

const FORMATS = ['standard', 'aspnet', 'lucca'] as const;

function fanoutScenario(name: string, subscriptionsSize: 'fanoutSubscriptions' | 'fanoutWideSubscriptions', pathKey: string): Scenario {
  return {
    name,
    async run({ stack, api, sizes }) {
      const width = sizes[subscriptionsSize];
      const subs: string[] = [];
      try {
        for (let k = 0; k < width; k += 1) {
          const format = FORMATS[k % FORMATS.length]!;
          const created = await api.createSubscription({
            name: `bench ${name} ${k}`,
            url: `${stack.receiverUrl}/${pathKey}/${k}`,
            format,
            events: ['leave.approved'],
            ...(format === 'lucca' ? { mode: 'all', authorization: 'Basic YmVuY2g6YmVuY2g=' } : {}),
          });
          subs.push(created.id);
        }
        const expected = sizes.fanoutEvents * width;
        const posted = await pump(api, sizes.fanoutEvents, sizes.producers, (i) => absence(i, `${pathKey}-${i}`), budgetMs(expected, 10));
        const accepted = posted.reduce((sum, p) => sum + p.deliveryIds.length, 0);
        if (accepted !== expected) throw new Error(`expected ${expected} deliveries, the gateway accepted ${accepted}`);
        await awaitDelivered(api, `/${pathKey}/`, expected, budgetMs(expected));
        const stats = await api.receiverStats(`/${pathKey}/`);
        const firstAccepted = Math.min(...posted.map((p) => p.respondedAt));
        const lastAccepted = Math.max(...posted.map((p) => p.respondedAt));
        const firstSent = Math.min(...posted.map((p) => p.sentAt));
        const history = await historyEventsPerDelivery(stack.temporal, posted.slice(0, 3).flatMap((p) => p.deliveryIds), { closed: true });
        return {
          figures: {
            events: sizes.fanoutEvents,
            subscriptions: width,
            deliveries: expected,
            deliveriesPerSecond: round(expected / ((stats.lastOkAtPrefix - firstAccepted) / 1000)),
            ingestEventsPerSecond: round(sizes.fanoutEvents / ((lastAccepted - firstSent) / 1000)),
            duplicates: stats.requests - expected,
            producerRetries: posted.retries ?? 0,
            gatewayMeanResponseMs: round(posted.reduce((s, p) => s + p.respondedAt - p.sentAt, 0) / posted.length),
            historyEventsPerDelivery: round(history.mean, 2),
          },
          notes: [`formats in turn: ${FORMATS.join(', ')}; history per delivery: ${JSON.stringify(history.byType)}`],
        };
      } finally {
        for (const id of subs) await api.deleteSubscription(id);
      }
    },
  };
}

/** Five subscriptions by default: a realistic HR tenant (payroll, leave, IT, benefits, BI). */
export const fanout = fanoutScenario('fan-out', 'fanoutSubscriptions', 'fan');
export const fanoutWide = fanoutScenario('fan-out-10', 'fanoutWideSubscriptions', 'fan10');
