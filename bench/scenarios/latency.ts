// Scenario "latency": an open loop at a fixed rate (default 20 events/s, under the engine's
// ceiling; events are sent on schedule whether or not earlier ones were answered). Time from
// POST /v1/events sent to the receiver getting the request, and the gateway's own response time.
import { round, summary } from '../percentiles';
import type { GatewayClient } from '../gatewayClient';
import { awaitDelivered, budgetMs, employee, openLoop, postWithRetry, type Figures, type Scenario } from './scenario';

export const latency: Scenario = {
  name: 'latency',
  async run({ stack, api, sizes }) {
    const figures = await measureLatency(api, stack.receiverUrl, sizes.latencyRate, sizes.latencySeconds, 'lat');
    return { figures, notes: [`open loop: ${sizes.latencyRate} events/s for ${sizes.latencySeconds} s`] };
  },
};

/**
 * The open loop itself, on a subscription of its own under `/<tag>` (retention-expiry runs it twice). An event
 * refused for good fails it, unless `countRefused`: then `refused` counts them and the others are measured.
 */
export async function measureLatency(api: GatewayClient, receiverUrl: string, rate: number, seconds: number, tag: string, countRefused = false): Promise<Figures> {
  const n = Math.round(rate * seconds);
  const sub = await api.createSubscription({
    name: `bench ${tag}`, url: `${receiverUrl}/${tag}`, format: 'standard', events: ['employee.updated'],
  });
  try {
    const { results: posted, behindMs } = await openLoop(rate, seconds, (i) =>
      postWithRetry(api, employee(i, 'employee.updated', `${tag}-${i}`)));
    const refused = posted.filter((p) => p.status !== 202).length;
    if (refused && !countRefused) throw new Error(`${refused} of ${n} events were refused`);
    await awaitDelivered(api, `/${tag} `, n - refused, budgetMs(n));
    const arrivals = await api.receiverArrivals(`/${tag} `);
    const endToEnd: number[] = [];
    posted.forEach((p, i) => {
      const first = arrivals[`/${tag} ${tag}-${i}`]?.[0];
      if (first) endToEnd.push(first.at - p.sentAt);
    });
    const e2e = summary(endToEnd);
    const gateway = summary(posted.map((p) => p.respondedAt - p.sentAt));
    return {
      events: n,
      ratePerSecond: rate,
      p50Ms: round(e2e.p50),
      p95Ms: round(e2e.p95),
      p99Ms: round(e2e.p99),
      maxMs: round(e2e.max),
      gatewayP50Ms: round(gateway.p50),
      gatewayP99Ms: round(gateway.p99),
      schedulerLagMaxMs: round(behindMs),
      producerRetries: posted.reduce((sum, p) => sum + p.retries, 0),
      ...(countRefused ? { refused } : {}),
    };
  } finally {
    await api.deleteSubscription(sub.id);
  }
}
