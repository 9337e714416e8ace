// Scenario "retry accuracy": a short custom ladder (1 s, 2 s, 4 s) against a receiver that always
// answers 503. Lateness of each retry = (arrival of attempt k) − (arrival of attempt k−1) − the
// ladder step: what a receiver observes, worker round trips included.
import { round, summary } from '../percentiles';
import { historyEventsPerDelivery } from './history';
import { budgetMs, employee, pump, waitUntil, type Scenario } from './scenario';

const LADDER = ['1s', '2s', '4s'];
const STEPS_MS = [1_000, 2_000, 4_000];

export const retryAccuracy: Scenario = {
  name: 'retry accuracy',
  async run({ stack, api, sizes }) {
    const n = sizes.retryDeliveries;
    await api.receiverStatus('/retry', 503);
    const sub = await api.createSubscription({
      name: 'bench retry', url: `${stack.receiverUrl}/retry`, format: 'standard', events: ['bank_account.updated'], retrySchedule: LADDER,
      // every attempt fails on purpose: the circuit breaker must not pause this subscription
      pauseAfterFailures: 100_000,
    });
    try {
      const posted = await pump(api, n, sizes.producers, (i) => employee(i, 'bank_account.updated', `retry-${i}`), budgetMs(n, 10));
      const attempts = STEPS_MS.length + 1;
      let arrivals: Record<string, { at: number }[]> = {};
      const complete = await waitUntil(async () => {
        arrivals = await api.receiverArrivals('/retry ');
        return Object.keys(arrivals).length >= n && Object.values(arrivals).every((a) => a.length >= attempts);
      }, budgetMs(n, 20, 30_000) + 7_000, 500);
      if (!complete) throw new Error(`not every delivery made ${attempts} attempts in time`);
      const lateness: number[] = [];
      for (const list of Object.values(arrivals)) {
        for (let k = 1; k < attempts; k += 1) lateness.push(list[k]!.at - list[k - 1]!.at - STEPS_MS[k - 1]!);
      }
      const late = summary(lateness);
      const history = await historyEventsPerDelivery(stack.temporal, posted.slice(0, 5).flatMap((p) => p.deliveryIds));
      return {
        figures: {
          deliveries: n,
          retries: lateness.length,
          latenessP50Ms: round(late.p50),
          latenessP99Ms: round(late.p99),
          latenessMaxMs: round(late.max),
          earliestMs: round(Math.min(...lateness)),
          historyEventsPer4Attempts: round(history.mean),
        },
        notes: [`ladder ${LADDER.join(', ')}; history of a failed 4-attempt delivery: ${JSON.stringify(history.byType)}`],
      };
    } finally {
      await api.receiverStatus('/retry', 200);
      await api.deleteSubscription(sub.id);
    }
  },
};
