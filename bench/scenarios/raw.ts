// Scenario "raw": the physical ceiling. The same signed Standard Webhooks POSTs the worker would
// send, rendered and signed here and sent straight from undici to the same receiver process, with
// the worker's in-flight concurrency over the dispatcher's connections per origin. No Temporal, no Postgres.
import { Agent, request } from 'undici';
import type { HrEvent } from '../../src/domain/events/schema';
import { getFormat } from '../../src/domain/formats/registry';
import type { SubscriptionView } from '../../src/domain/formats/format';
import { summary, round } from '../percentiles';
import { employee, now, type Scenario } from './scenario';

const subscription: SubscriptionView = {
  id: 'sub_raw',
  format: 'standard',
  events: '*',
  secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  headers: {},
  properties: {},
};

export const raw: Scenario = {
  name: 'raw',
  async run({ stack, sizes }) {
    const format = getFormat('standard');
    const agent = new Agent({ connections: sizes.rawConnections, pipelining: 1, keepAliveTimeout: 4_000 });
    const url = new URL('/raw/', stack.receiverUrl);
    const durations: number[] = [];
    let failures = 0;
    let next = 0;
    const started = now();
    const deadline = Date.now() + 120_000;
    const sender = async (): Promise<void> => {
      while (next < sizes.rawRequests && Date.now() < deadline) {
        const i = next++;
        const event = employee(i, 'employee.created', `raw-${i}`) as HrEvent;
        const t0 = now();
        const rendered = format.render({ event, deliveryId: `dlv_raw_${i}`, attempt: 1, now: new Date(), subscription });
        const res = await request(url, { method: 'POST', dispatcher: agent, headers: rendered.headers, body: rendered.body });
        await res.body.dump();
        if (res.statusCode >= 300) failures += 1;
        durations.push(now() - t0);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(sizes.rawInFlight, sizes.rawRequests) }, sender));
    } finally {
      await agent.close();
    }
    const seconds = (now() - started) / 1000;
    const lat = summary(durations);
    return {
      figures: {
        requests: durations.length,
        failures,
        deliveriesPerSecond: round(durations.length / seconds),
        requestP50Ms: round(lat.p50),
        requestP99Ms: round(lat.p99),
      },
      notes: [`${sizes.rawInFlight} in flight over ${sizes.rawConnections} keep-alive connections, render + sign per request`],
    };
  },
};
