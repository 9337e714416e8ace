// The shape every benchmark scenario shares, its sizes, and the load generators they drive the
// gateway with (closed loop for bulk, open loop at a fixed rate for latency). Every loop is
// bounded in count and in time.
import crypto from 'node:crypto';
import { now, type EventBody, type GatewayClient, type Posted } from '../gatewayClient';
import type { Stack } from '../stack';
import { specAbsence } from '../../dev-support/absence';

export interface Sizes {
  /** raw: signed POSTs sent straight to the receiver. */
  rawRequests: number;
  /** In-flight requests for raw (the worker's activity concurrency). */
  rawInFlight: number;
  /** Connections per receiver origin for raw (the dispatcher's pool). */
  rawConnections: number;
  /** engine: bare workflows (one no-op local activity) started, and the concurrent starters. */
  engineWorkflows: number;
  engineStarters: number;
  throughputEvents: number;
  /** Concurrent producer requests for throughput, fan-out and backlog. */
  producers: number;
  latencyRate: number;
  latencySeconds: number;
  /** Events of each fan-out scenario. */
  fanoutEvents: number;
  /** Subscriptions of `fan-out` (a realistic HR tenant; 20 for the earlier, wider measure). */
  fanoutSubscriptions: number;
  /** Subscriptions of `fan-out-10`. */
  fanoutWideSubscriptions: number;
  /** producers: events/s offered (open loop) and for how long. */
  producersRate: number;
  producersSeconds: number;
  backlogDeliveries: number;
  retryDeliveries: number;
  /** dead endpoint: events posted while the receiver is down, and how long it stays down. */
  deadEvents: number;
  deadSeconds: number;
  /** noisy-neighbour: events tenant A floods, tenant B's steady rate (events/s), and how long B posts alone. */
  noisyEvents: number;
  noisyQuietRate: number;
  noisyAloneSeconds: number;
  /** tenant-scope: deliveries written for each of its two tenants, and the reads timed each way. */
  tenantScopeRows: number;
  tenantScopeQueries: number;
  /** retention-expiry: attempt rows of the expired day, and attempts per delivery (its deliveries and events go row by row). */
  retentionAttempts: number;
  retentionAttemptsPerDelivery: number;
}

export const FULL: Sizes = {
  rawRequests: 5_000,
  rawInFlight: 200,
  rawConnections: 32,
  engineWorkflows: 1_000,
  engineStarters: 64,
  throughputEvents: 5_000,
  producers: 32,
  latencyRate: 20,
  latencySeconds: 60,
  fanoutEvents: 500,
  fanoutSubscriptions: 5,
  fanoutWideSubscriptions: 10,
  producersRate: 100,
  producersSeconds: 60,
  backlogDeliveries: 10_000,
  retryDeliveries: 100,
  deadEvents: 1_000,
  deadSeconds: 60,
  noisyEvents: 20_000,
  noisyQuietRate: 5,
  noisyAloneSeconds: 30,
  tenantScopeRows: 100_000,
  tenantScopeQueries: 2_000,
  retentionAttempts: 1_000_000,
  retentionAttemptsPerDelivery: 4,
};

export const QUICK: Sizes = {
  rawRequests: 300,
  rawInFlight: 200,
  rawConnections: 32,
  engineWorkflows: 30,
  engineStarters: 64,
  throughputEvents: 40,
  producers: 16,
  latencyRate: 10,
  latencySeconds: 3,
  fanoutEvents: 4,
  fanoutSubscriptions: 5,
  fanoutWideSubscriptions: 10,
  producersRate: 100,
  producersSeconds: 2,
  backlogDeliveries: 40,
  retryDeliveries: 4,
  deadEvents: 40,
  deadSeconds: 8,
  noisyEvents: 100,
  noisyQuietRate: 5,
  noisyAloneSeconds: 3,
  tenantScopeRows: 500,
  tenantScopeQueries: 50,
  retentionAttempts: 2_000,
  retentionAttemptsPerDelivery: 4,
};

export type Figures = Record<string, number>;

export interface ScenarioResult {
  figures: Figures;
  notes: string[];
}

export interface ScenarioContext {
  stack: Stack;
  api: GatewayClient;
  sizes: Sizes;
  /** Figures of scenarios already run in this process (throughput reads raw's). */
  earlier: Map<string, Figures>;
  log: (line: string) => void;
  /** Restarts the scenario's CPU accounting (and profile window) now: call it once set-up that is not measured is done. */
  startCpuWindow: () => void;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

export const runId = crypto.randomBytes(3).toString('hex');

export function employee(i: number, type: string, benchKey: string): EventBody {
  return {
    id: `bench-${runId}-${benchKey}`,
    type,
    occurredAt: new Date().toISOString(),
    data: { id: i, firstName: 'Luca', lastName: `Pacioli ${i}`, email: `luca${i}@example.test`, benchKey },
  };
}

export function absence(i: number, benchKey: string): EventBody {
  return {
    id: `bench-${runId}-${benchKey}`,
    type: 'leave.approved',
    occurredAt: new Date().toISOString(),
    data: { ...specAbsence({ id: 1_000_000 + i }), benchKey },
  };
}

const PRODUCER_ATTEMPTS = 8;

/**
 * Posts one event the way a well-behaved producer does: a 503 (the event is stored but Temporal did
 * not start every workflow in time) is retried with the same id and body, which is idempotent.
 * `sentAt` stays the first attempt's; `retries` counts the extra posts.
 */
export async function postWithRetry(api: GatewayClient, event: EventBody): Promise<Posted & { retries: number }> {
  const first = await api.postEvent(event);
  let posted = first;
  let retries = 0;
  while (posted.status === 503 && retries < PRODUCER_ATTEMPTS - 1) {
    retries += 1;
    await new Promise((r) => setTimeout(r, 250 * 2 ** Math.min(retries, 4)));
    posted = await api.postEvent(event);
  }
  return { ...posted, sentAt: first.sentAt, retries };
}

/** Posts `count` events with `concurrency` producers in a closed loop; throws if one is refused for good. */
export async function pump(
  api: GatewayClient,
  count: number,
  concurrency: number,
  make: (i: number) => EventBody,
  timeoutMs: number,
): Promise<Posted[] & { retries?: number }> {
  const results: Posted[] & { retries?: number } = new Array(count);
  results.retries = 0;
  const deadline = Date.now() + timeoutMs;
  let next = 0;
  const producer = async (): Promise<void> => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`posting ${count} events took longer than ${timeoutMs} ms`);
      const i = next++;
      const posted = await postWithRetry(api, make(i));
      if (posted.status !== 202) throw new Error(`event ${i}: gateway answered HTTP ${posted.status} after ${posted.retries} retries`);
      results.retries! += posted.retries;
      results[i] = posted;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, producer));
  return results;
}

/**
 * Calls `send(i)` for i in [0, rate × seconds) on a fixed schedule, whether or not earlier calls have
 * answered (open loop). Returns every call's result and how far behind schedule the loop ever fell.
 */
export async function openLoop<T>(rate: number, seconds: number, send: (i: number) => Promise<T>): Promise<{ results: T[]; behindMs: number }> {
  const n = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const start = now() + 50;
  const inFlight: Promise<T>[] = [];
  let behindMs = 0;
  for (let i = 0; i < n; i += 1) {
    const wait = start + i * intervalMs - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else behindMs = Math.max(behindMs, -wait);
    inFlight.push(send(i));
  }
  return { results: await Promise.all(inFlight), behindMs };
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return probe();
}

/** Waits until the receiver has a 2xx for `expected` distinct webhooks under `prefix`; throws on timeout. */
export async function awaitDelivered(api: GatewayClient, prefix: string, expected: number, timeoutMs: number): Promise<void> {
  let seen = 0;
  const done = await waitUntil(async () => {
    seen = (await api.receiverStats(prefix)).uniqueOk;
    return seen >= expected;
  }, timeoutMs, 200);
  if (!done) throw new Error(`only ${seen} of ${expected} deliveries reached the receiver at ${prefix} within ${timeoutMs} ms`);
}

/** A generous bound on how long `n` deliveries may take, so a stuck run ends instead of hanging. */
export function budgetMs(n: number, perSecond = 5, floorMs = 60_000): number {
  return Math.max(floorMs, (n / perSecond) * 1000);
}

export { now };
