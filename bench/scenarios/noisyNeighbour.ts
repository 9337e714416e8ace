// Scenario "noisy-neighbour" (issue 22): tenant A floods `noisyEvents` events as fast as it can (closed loop,
// `producers` at once) while tenant B posts `noisyQuietRate` events/s (open loop) until A's last delivery has
// arrived. B's send → receiver times against B alone, all in one run: first B alone, then the flood through the
// stack's gateway (fairness on: each event workflow starts with its tenant as fairness key, the dev server has
// matching.enableFairness), then the flood through a second gateway with HRHOOKS_FAIRNESS=off (no key: the task
// queue is one FIFO, as before fairness). Target: B's p99 with the flood ≤ 2 × B's p99 alone.
import { createApiKey } from '../../src/infra/db/apiKeys';
import { GatewayClient, type Posted } from '../gatewayClient';
import { round, summary } from '../percentiles';
import { awaitDelivered, budgetMs, now, postWithRetry, pump, runId, type Scenario, type ScenarioContext } from './scenario';

interface Tenant {
  id: string;
  admin: string;
  producer: string;
}

const TYPE = 'employee.updated';

async function tenant(ctx: ScenarioContext, name: string): Promise<Tenant> {
  const id = `bench-${runId}-${name}`;
  await ctx.stack.pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, `bench ${name}`]);
  const admin = await createApiKey(ctx.stack.pool, 'admin', `bench ${name} admin`, id);
  const producer = await createApiKey(ctx.stack.pool, 'producer', `bench ${name} producer`, id);
  return { id, admin: admin.key, producer: producer.key };
}

function clientOf(ctx: ScenarioContext, gatewayUrl: string, t: Tenant): GatewayClient {
  return new GatewayClient(gatewayUrl, ctx.stack.receiverUrl, t.admin, t.producer);
}

function event(key: string, i: number) {
  return { id: `nn-${runId}-${key}`, type: TYPE, occurredAt: new Date().toISOString(), data: { id: i, firstName: 'Ada', lastName: `Lovelace ${i}`, benchKey: key } };
}

/** B's open loop: one event every 1/rate s, whether or not earlier ones were answered, until `done()` or `maxMs`. */
async function steady(client: GatewayClient, label: string, rate: number, done: () => boolean, maxMs: number) {
  const intervalMs = 1000 / rate;
  const start = now() + 50;
  const sends: Promise<Posted & { key: string }>[] = [];
  let behindMs = 0;
  for (let i = 0; !done() && now() - start < maxMs; i++) {
    const wait = start + i * intervalMs - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else behindMs = Math.max(behindMs, -wait);
    const key = `${label}-${i}`;
    sends.push(postWithRetry(client, event(key, i)).then((p) => ({ ...p, key })));
  }
  return { posted: await Promise.all(sends), behindMs };
}

/** Send → first arrival at the receiver, per event of B (all of them must have arrived). */
async function latencies(api: GatewayClient, path: string, posted: Array<Posted & { key: string }>): Promise<number[]> {
  const refused = posted.filter((p) => p.status !== 202).length;
  if (refused) throw new Error(`${refused} of tenant B's ${posted.length} events were refused`);
  await awaitDelivered(api, `${path} `, posted.length, budgetMs(posted.length, 1));
  const arrivals = await api.receiverArrivals(`${path} `);
  return posted.map((p) => {
    const first = arrivals[`${path} ${p.key}`]?.[0];
    if (!first) throw new Error(`tenant B's ${p.key} never arrived`);
    return first.at - p.sentAt;
  });
}

/**
 * Samples, every second until stopped, how many of A's deliveries are accepted but not yet started in Temporal
 * (waiting in the gateway's starter) and how many are started but not delivered (the task queue and the worker).
 */
function backlogSampler(ctx: ScenarioContext, tenantId: string, subscriptionId: string) {
  const max = { unstarted: 0, started: 0 };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await ctx.stack.pool.query(
        `SELECT count(*) FILTER (WHERE NOT workflow_started)::int AS unstarted,
                count(*) FILTER (WHERE workflow_started AND status = 'pending')::int AS started
           FROM deliveries WHERE tenant_id = $1 AND subscription_id = $2`,
        [tenantId, subscriptionId],
      );
      max.unstarted = Math.max(max.unstarted, rows[0].unstarted);
      max.started = Math.max(max.started, rows[0].started);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return max;
  };
}

interface Flooded {
  b: number[];
  bApi: number[];
  aMaxUnstarted: number;
  aMaxStartedPending: number;
  aIngestPerSecond: number;
  aDeliveredPerSecond: number;
  bSchedulerLagMs: number;
}

/** One flood: A's `n` events and B's steady stream through `gatewayUrl`, each tenant to its own receiver path. */
async function flood(ctx: ScenarioContext, gatewayUrl: string, label: string, a: Tenant, b: Tenant): Promise<Flooded> {
  const { sizes, stack, api, log } = ctx;
  const n = sizes.noisyEvents;
  const aClient = clientOf(ctx, gatewayUrl, a);
  const bClient = clientOf(ctx, gatewayUrl, b);
  const aPath = `/nn-a-${label}`;
  const bPath = `/nn-b-${label}`;
  const aSub = await aClient.createSubscription({ name: `noisy A ${label}`, url: `${stack.receiverUrl}${aPath}`, format: 'standard', events: [TYPE] });
  const bSub = await bClient.createSubscription({ name: `noisy B ${label}`, url: `${stack.receiverUrl}${bPath}`, format: 'standard', events: [TYPE] });
  try {
    let aDone = false;
    const sampled = backlogSampler(ctx, a.id, aSub.id);
    const started = now();
    let ingestSeconds = 0;
    const aRun = (async () => {
      await pump(aClient, n, sizes.producers, (i) => event(`a-${label}-${i}`, i), budgetMs(n, 2));
      ingestSeconds = (now() - started) / 1000;
      log(`noisy-neighbour ${label}: A's ${n} events accepted in ${round(ingestSeconds)} s`);
      await awaitDelivered(api, `${aPath} `, n, budgetMs(n, 2));
    })().finally(() => {
      aDone = true;
    });
    const bRun = steady(bClient, `b-${label}`, sizes.noisyQuietRate, () => aDone, budgetMs(n, 2));
    await aRun;
    const drainedAt = (await api.receiverStats(`${aPath} `)).lastOkAtPrefix;
    const { posted, behindMs } = await bRun;
    const b = await latencies(api, bPath, posted);
    const backlog = await sampled();
    return { b, bApi: posted.map((p) => p.respondedAt - p.sentAt), aMaxUnstarted: backlog.unstarted, aMaxStartedPending: backlog.started, aIngestPerSecond: n / ingestSeconds, aDeliveredPerSecond: n / ((drainedAt - started) / 1000), bSchedulerLagMs: behindMs };
  } finally {
    await aClient.deleteSubscription(aSub.id);
    await bClient.deleteSubscription(bSub.id);
    await aClient.close();
    await bClient.close();
  }
}

async function alone(ctx: ScenarioContext, b: Tenant): Promise<number[]> {
  const { sizes, stack, api } = ctx;
  const client = clientOf(ctx, stack.gatewayUrl, b);
  const sub = await client.createSubscription({ name: 'noisy B alone', url: `${stack.receiverUrl}/nn-b-alone`, format: 'standard', events: [TYPE] });
  try {
    const until = now() + sizes.noisyAloneSeconds * 1000;
    const { posted } = await steady(client, 'b-alone', sizes.noisyQuietRate, () => now() >= until, sizes.noisyAloneSeconds * 1000 + 1000);
    return await latencies(api, '/nn-b-alone', posted);
  } finally {
    await client.deleteSubscription(sub.id);
    await client.close();
  }
}

export const noisyNeighbour: Scenario = {
  name: 'noisy-neighbour',
  async run(ctx) {
    const { stack, sizes, log } = ctx;
    const a = await tenant(ctx, 'noisy');
    const b = await tenant(ctx, 'quiet');
    const off = await stack.startGateway('gateway-fairness-off', { HRHOOKS_FAIRNESS: 'off' });
    try {
      ctx.startCpuWindow();
      const bAlone = summary(await alone(ctx, b));
      log(`noisy-neighbour: B alone p50 ${round(bAlone.p50)} ms, p99 ${round(bAlone.p99)} ms; flooding with fairness on`);
      const on = await flood(ctx, stack.gatewayUrl, 'on', a, b);
      const bOn = summary(on.b);
      log(`noisy-neighbour: fairness on, B p99 ${round(bOn.p99)} ms; flooding with fairness off`);
      const offRun = await flood(ctx, off.url, 'off', a, b);
      const bOff = summary(offRun.b);
      return {
        figures: {
          aEvents: sizes.noisyEvents,
          bRatePerSecond: sizes.noisyQuietRate,
          bAloneP50Ms: round(bAlone.p50),
          bAloneP99Ms: round(bAlone.p99),
          bFairP50Ms: round(bOn.p50),
          bFairP99Ms: round(bOn.p99),
          bFairMaxMs: round(bOn.max),
          bFairEvents: on.b.length,
          bFairApiP99Ms: round(summary(on.bApi).p99),
          bFairP99OverAlone: round(bOn.p99 / bAlone.p99, 2),
          bUnfairP50Ms: round(bOff.p50),
          bUnfairP99Ms: round(bOff.p99),
          bUnfairMaxMs: round(bOff.max),
          bUnfairEvents: offRun.b.length,
          bUnfairApiP99Ms: round(summary(offRun.bApi).p99),
          bUnfairP99OverAlone: round(bOff.p99 / bAlone.p99, 2),
          aFairIngestPerSecond: round(on.aIngestPerSecond),
          aFairDeliveredPerSecond: round(on.aDeliveredPerSecond),
          aUnfairIngestPerSecond: round(offRun.aIngestPerSecond),
          aUnfairDeliveredPerSecond: round(offRun.aDeliveredPerSecond),
          aFairMaxUnstarted: on.aMaxUnstarted,
          aFairMaxStartedPending: on.aMaxStartedPending,
          aUnfairMaxUnstarted: offRun.aMaxUnstarted,
          aUnfairMaxStartedPending: offRun.aMaxStartedPending,
          bSchedulerLagMaxMs: round(Math.max(on.bSchedulerLagMs, offRun.bSchedulerLagMs)),
        },
        notes: [
          `A: ${sizes.noisyEvents} events, ${sizes.producers} producers in a closed loop; B: ${sizes.noisyQuietRate} events/s until A's last delivery arrived`,
          'fair: the stack gateway (tenant = fairness key; the Temporal has matching.enableFairness); unfair: a second gateway with HRHOOKS_FAIRNESS=off (no key: one FIFO queue)',
          `target: B's p99 with the flood ≤ 2 × alone (${round(2 * bAlone.p99)} ms)`,
        ],
      };
    } finally {
      await off.stop();
    }
  },
};
