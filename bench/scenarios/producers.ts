// Scenario "producers": what a producer feels while deliveries lag behind. POST /v1/events at a
// fixed rate offered (open loop, default 100 events/s for 60 s), each answer timed and never
// retried during the loop; then every refused event is re-posted with the same id (as a producer
// would) and the run waits until the receiver has every event: delivered, lost, delivered twice,
// counted from the receiver's records per webhook.
import type { Posted } from '../gatewayClient';
import { round, summary } from '../percentiles';
import { budgetMs, employee, now, openLoop, postWithRetry, waitUntil, type Scenario } from './scenario';

const PREFIX = '/prod ';

export const producers: Scenario = {
  name: 'producers',
  async run({ stack, api, sizes, log }) {
    const n = Math.round(sizes.producersRate * sizes.producersSeconds);
    const sub = await api.createSubscription({
      name: 'bench producers', url: `${stack.receiverUrl}/prod`, format: 'standard', events: ['employee.terminated'],
    });
    try {
      const event = (i: number) => employee(i, 'employee.terminated', `prod-${i}`);
      const { results: posted, behindMs } = await openLoop(sizes.producersRate, sizes.producersSeconds, (i) =>
        api.postEvent(event(i)).catch((): Posted => ({ status: 0, sentAt: Number.NaN, respondedAt: Number.NaN, deliveryIds: [] })));
      const offerEnded = now();
      const answered = posted.filter((p) => p.status !== 0);
      const answerMs = summary(answered.map((p) => p.respondedAt - p.sentAt));
      const refused = posted.map((p, i) => ({ p, i })).filter(({ p }) => p.status !== 202);
      if (refused.length) log(`producers: ${refused.length} of ${n} not accepted at first; re-posting them`);
      for (const { i } of refused) {
        const again = await postWithRetry(api, event(i));
        if (again.status !== 202) throw new Error(`event ${i}: still HTTP ${again.status} after ${again.retries} retries`);
      }

      let delivered = 0;
      await waitUntil(async () => (delivered = (await api.receiverStats(PREFIX)).uniqueOk) >= n, budgetMs(n), 500);
      const stats = await api.receiverStats(PREFIX);
      const arrivals = await api.receiverArrivals(PREFIX);
      const deliveredTwice = Object.values(arrivals).filter((list) => list.filter((a) => a.status < 300).length > 1).length;
      const firstSent = Math.min(...answered.map((p) => p.sentAt));
      return {
        figures: {
          events: n,
          offeredPerSecond: sizes.producersRate,
          apiP50Ms: round(answerMs.p50),
          apiP99Ms: round(answerMs.p99),
          apiMaxMs: round(answerMs.max),
          non202: refused.length,
          status503: posted.filter((p) => p.status === 503).length,
          connectionErrors: posted.length - answered.length,
          schedulerLagMaxMs: round(behindMs),
          delivered,
          lost: n - delivered,
          deliveredTwice,
          drainAfterOfferSeconds: round(Math.max(0, stats.lastOkAtPrefix - offerEnded) / 1000, 2),
          deliveriesPerSecond: round(delivered / ((stats.lastOkAtPrefix - firstSent) / 1000)),
        },
        notes: [
          `open loop: ${sizes.producersRate} events/s for ${sizes.producersSeconds} s; API times are first answers, never retried during the loop`,
          ...(refused.length ? [`${refused.length} refused events re-posted with the same id after the loop`] : []),
        ],
      };
    } finally {
      await api.deleteSubscription(sub.id);
    }
  },
};
