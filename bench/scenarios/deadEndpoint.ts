// Scenario "dead endpoint" (issue 15): a receiver that answers 503 to everything while `deadEvents`
// events arrive (100 employees × 10 ordered updates each), dead for `deadSeconds`, then back. The probe
// schedule is scaled 1:60 for the bench (HRHOOKS_PROBE_SCHEDULE=5s,10s,20s,40s,60s, i.e. 5, 10, 20,
// 40 min then hourly in production), so 60 s here stands for an hour dead. Measures the requests the
// dead endpoint took, the time to drain once it is back, and order violations per employee (target 0).
// Then the same as hrhooks behaved before (no ordering, breaker effectively off: pauseAfterFailures
// 100000): what every delivery burning its own ladder costs the receiver, and what order it sees.
import { round } from '../percentiles';
import type { EventBody } from '../gatewayClient';
import { budgetMs, pump, runId, waitUntil, type Scenario, type ScenarioContext } from './scenario';

/** The probe schedule the bench stack runs with (bench/stack.ts), 1:60 of the production default. */
export const BENCH_PROBE_SCHEDULE = '5s,10s,20s,40s,60s';
/** The standard ladder (5 s, 5 min, 30 min, 2 h, …) scaled like the probes, floored at 1 s. */
const LADDER = ['1s', '5s', '30s', '2m', '5m', '10m', '14m', '20m', '24m'];

/** 100 employees at full size (10 ordered steps each); fewer, still 10 steps each, for --quick. */
const employeesFor = (n: number) => Math.max(1, Math.min(100, Math.floor(n / 10)));

function update(i: number, run: string, employees: number): EventBody {
  const employee = i % employees;
  const step = Math.floor(i / employees);
  return {
    id: `bench-${runId}-${run}-${i}`,
    type: 'employee.updated',
    occurredAt: new Date(Date.UTC(2026, 0, 1) + step * 60_000).toISOString(),
    data: { id: `${run}-${employee}`, step, benchKey: `${run}-e${employee}-s${String(step).padStart(4, '0')}` },
  };
}

async function oneRun(ctx: ScenarioContext, run: string, policy: { ordering: 'resource' | 'none'; pauseAfterFailures: number }) {
  const { api, stack, sizes } = ctx;
  const n = sizes.deadEvents;
  const employees = employeesFor(n);
  const path = `/dead-${run}`;
  await api.receiverStatus(path, 503);
  const sub = await api.createSubscription({
    name: `bench dead ${run}`, url: `${stack.receiverUrl}${path}`, format: 'standard', events: ['employee.updated'],
    retrySchedule: LADDER, ...policy,
  });
  try {
    const startedAt = Date.now();
    await pump(api, n, sizes.producers, (i) => update(i, run, employees), budgetMs(n, 10));
    const deadUntil = startedAt + sizes.deadSeconds * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, deadUntil - Date.now())));
    const dead = await api.receiverStats(path);
    await api.receiverStatus(path, 200);
    const recoveredAt = Date.now();
    const drained = await waitUntil(async () => (await api.receiverStats(path)).uniqueOk >= n, 10 * 60_000, 250);
    const drainS = (Date.now() - recoveredAt) / 1000;
    if (!drained) throw new Error(`${run}: only ${(await api.receiverStats(path)).uniqueOk} of ${n} delivered 10 min after recovery`);
    // Order: per employee, the first success of step k must come after the first success of step k-1.
    const arrivals = await api.receiverArrivals(`${path} ${run}-e`);
    const firstOk = new Map<string, number>();
    for (const [key, list] of Object.entries(arrivals)) {
      const ok = list.find((a) => a.status < 300);
      if (ok) firstOk.set(key.slice(key.indexOf(' ') + 1), ok.at);
    }
    let violations = 0;
    for (let e = 0; e < employees; e += 1) {
      const steps = [...firstOk.entries()].filter(([k]) => k.startsWith(`${run}-e${e}-s`)).sort(([a], [b]) => a.localeCompare(b));
      for (let k = 1; k < steps.length; k += 1) if (steps[k]![1] < steps[k - 1]![1]) violations += 1;
    }
    return { deadRequests: dead.requests, drainS: round(drainS), violations, perSecond: round(n / drainS) };
  } finally {
    await api.receiverStatus(path, 200);
    await api.deleteSubscription(sub.id);
  }
}

export const deadEndpoint: Scenario = {
  name: 'dead endpoint',
  async run(ctx) {
    const breaker = await oneRun(ctx, 'brk', { ordering: 'resource', pauseAfterFailures: 10 });
    const off = await oneRun(ctx, 'off', { ordering: 'none', pauseAfterFailures: 100_000 });
    return {
      figures: {
        events: ctx.sizes.deadEvents,
        deadSeconds: ctx.sizes.deadSeconds,
        deadRequests: breaker.deadRequests,
        drainSeconds: breaker.drainS,
        drainPerSecond: breaker.perSecond,
        orderViolations: breaker.violations,
        deadRequestsWithoutBreaker: off.deadRequests,
        drainSecondsWithoutBreaker: off.drainS,
        orderViolationsWithoutBreaker: off.violations,
        requestRatio: round(off.deadRequests / Math.max(1, breaker.deadRequests)),
      },
      notes: [
        `${ctx.sizes.deadEvents} employee.updated events (${employeesFor(ctx.sizes.deadEvents)} employees × ordered steps), receiver 503 for ${ctx.sizes.deadSeconds} s, probe schedule ${BENCH_PROBE_SCHEDULE} (production 5m,10m,20m,40m,1h: 1:60)`,
        `"without breaker" is the earlier behaviour: ordering none, pauseAfterFailures 100000; both on the standard ladder scaled alike (${LADDER.join(', ')})`,
      ],
    };
  },
};
