// The soak's operator-side fault classes (issue 12), beside a flaky receiver and worker restarts:
// broken subscription rows (secret sealed under another installation's key, a corrupted sealed value,
// a URL that is not one), whose deliveries must end `failed` on the to-do list; and operator actions
// during hanging attempts (mark processed as each one hangs; a subscription deleted while its attempts
// hang), which must close them. Test-only: talks to the gateway API and, for the broken rows, Postgres.
import type { Pool } from 'pg';
import { createSecretBox } from '../../src/infra/crypto/secretBox';
import { standardMessageId } from '../../src/domain/formats/identity';
import type { Receiver, Reply } from '../support/receiver';
import { insertSealedSubscription } from '../support/sealedSubscriptions';
import { testBox } from '../support/temporal';

export type Call = (method: string, route: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** How a delivery of a fault subscription must end. */
export type FaultEnd = 'failed' | 'processed' | 'cancelled';

/** Only these events reach the fault subscriptions, so their failed deliveries fit on the to-do list. */
export const FAULT_EVENT_TYPE = 'employee.terminated';
const HANG: Reply = { status: 200, delayMs: 60_000 };
const LADDER = ['1s'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultSummary {
  brokenFailed: number;
  onTodo: number;
  todoOk: boolean;
  operatorProcessed: number;
  operatorCancelled: number;
  /** Each mark processed: when it was called and how long until the API showed `processed`. */
  markProcessed: Array<{ at: number; ms: number }>;
  /** From the DELETE to every delivery of that subscription `cancelled`. */
  deleteCancelMs: number | null;
  /** Deliveries of fault subscriptions not (yet) in the end state they must reach. */
  notEnded: string[];
}

export interface Faults {
  /** The receiver's answer for a fault path (hangs), or null for the soak's own paths. */
  reply(path: string): Reply | null;
  /** Records a delivery of an accepted event; false when it is not a fault subscription's. */
  track(delivery: { id: string; subscriptionId: string }): boolean;
  /** Acts as an operator would while the load runs; `halfway` deletes the hanging subscription once it hangs. */
  tick(halfway: boolean): void;
  /** Waits (bounded) until every fault delivery reached its end state, then reconciles. */
  settle(timeoutMs: number): Promise<FaultSummary>;
  stop(): void;
}

export async function createFaults(pool: Pool, call: Call, receiver: Receiver): Promise<Faults> {
  const ends = new Map<string, FaultEnd>();
  const broken: string[] = [];
  const wrongKey = await insertSealedSubscription(pool, createSecretBox('the key of another installation'), {
    url: `${receiver.url}/broken`, retrySchedule: LADDER, events: [FAULT_EVENT_TYPE], authorization: null,
  });
  const corrupted = await insertSealedSubscription(pool, testBox, { url: `${receiver.url}/broken`, retrySchedule: LADDER, events: [FAULT_EVENT_TYPE], authorization: null });
  await pool.query(`UPDATE subscriptions SET secrets_enc = 'corrupted: not a sealed value' WHERE id = $1`, [corrupted.id]);
  const badUrl = await insertSealedSubscription(pool, testBox, { url: 'not a url', retrySchedule: LADDER, events: [FAULT_EVENT_TYPE], authorization: null });
  for (const sub of [wrongKey, corrupted, badUrl]) {
    ends.set(sub.id, 'failed');
    broken.push(sub.id);
  }
  const create = async (path: string, end: FaultEnd) => {
    const res = await call('POST', '/v1/subscriptions', { name: `soak ${path}`, url: `${receiver.url}${path}`, format: 'standard', events: [FAULT_EVENT_TYPE], retrySchedule: LADDER });
    if (res.status !== 201) throw new Error(`could not create the ${path} subscription: ${JSON.stringify(res.body)}`);
    ends.set(res.body.id, end);
    return res.body.id as string;
  };
  const hangMark = await create('/hang-mark', 'processed');
  const hangDelete = await create('/hang-delete', 'cancelled');

  const deliveries = new Map<string, { subscriptionId: string; end: FaultEnd }>();
  const byMessage = new Map<string, string>();
  const marked = new Set<string>();
  const markLatencies: Array<{ at: number; ms: number }> = [];
  const actions: Promise<void>[] = [];
  let deleted: { at: number; cancelledMs: number | null } | null = null;
  let halfwaySince: number | null = null;
  let stopped = false;

  const statusOf = async (id: string): Promise<string | null> => {
    const res = await call('GET', `/v1/deliveries/${id}`).catch(() => null);
    return res?.status === 200 ? res.body.status : null;
  };
  const markProcessed = async (id: string) => {
    await sleep(Math.random() * 500);
    const t0 = Date.now();
    const res = await call('POST', `/v1/deliveries/${id}/mark-processed`, { note: 'soak: receiver hangs' }).catch(() => ({ status: 0, body: null }));
    if (res.status !== 202) {
      marked.delete(id); // try again on a later tick
      return;
    }
    while (!stopped && (await statusOf(id)) !== 'processed') await sleep(50);
    if (!stopped) markLatencies.push({ at: t0, ms: Date.now() - t0 });
  };
  const deleteHanging = async () => {
    const at = Date.now();
    deleted = { at, cancelledMs: null };
    const res = await call('DELETE', `/v1/subscriptions/${hangDelete}`);
    if (res.status !== 204) throw new Error(`could not delete the hanging subscription: ${res.status}`);
    const ids = () => [...deliveries].filter(([, d]) => d.subscriptionId === hangDelete).map(([id]) => id);
    while (!stopped) {
      const statuses = await Promise.all(ids().map(statusOf));
      if (statuses.every((s) => s === 'cancelled')) {
        deleted.cancelledMs = Date.now() - at;
        return;
      }
      await sleep(50);
    }
  };

  const tick = (halfway: boolean) => {
    for (const req of receiver.requests) {
      if (req.path !== '/hang-mark') continue;
      const id = byMessage.get(String(req.headers['webhook-id']));
      if (!id || marked.has(id)) continue;
      marked.add(id);
      actions.push(markProcessed(id));
    }
    halfwaySince ??= halfway ? Date.now() : null;
    // Deleted while an attempt hangs; or, once the breaker has paused it (no attempt hangs any more: a faster
    // load fails enough attempts first), while its deliveries wait queued.
    const hanging = receiver.requests.some((r) => r.path === '/hang-delete' && r.closedEarlyAt === null && Date.now() - r.receivedAt < 5_000);
    if (halfwaySince !== null && !deleted && (hanging || Date.now() - halfwaySince > 10_000)) {
      actions.push(deleteHanging());
    }
  };

  return {
    tick,
    reply(path) {
      return path.startsWith('/hang') ? HANG : null;
    },
    track(delivery) {
      const end = ends.get(delivery.subscriptionId);
      if (!end) return false;
      deliveries.set(delivery.id, { subscriptionId: delivery.subscriptionId, end });
      byMessage.set(standardMessageId(delivery.id), delivery.id);
      return true;
    },
    async settle(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const notEnded = async () => {
        const left: string[] = [];
        for (const [id, d] of deliveries) if ((await statusOf(id)) !== d.end) left.push(id);
        return left;
      };
      let left = await notEnded();
      while (left.length && Date.now() < deadline) {
        tick(true);
        // A delivery of the mark-processed subscription that never hung (the breaker paused it first) is
        // marked processed where it waits, as an operator clearing the queue would.
        for (const id of left) {
          if (deliveries.get(id)?.end !== 'processed' || marked.has(id) || (await statusOf(id)) !== 'queued') continue;
          marked.add(id);
          actions.push(markProcessed(id));
        }
        await sleep(1_000);
        left = await notEnded();
      }
      stopped = true;
      await Promise.all(actions);
      const dashboard = await call('GET', '/v1/dashboard');
      const brokenIds = [...deliveries].filter(([, d]) => d.end === 'failed').map(([id]) => id);
      const todoIds: string[] = dashboard.body.todo.map((d: { id: string }) => d.id);
      const count = (end: FaultEnd) => [...deliveries].filter(([id, d]) => d.end === end && !left.includes(id)).length;
      return {
        brokenFailed: count('failed'),
        onTodo: todoIds.filter((id) => brokenIds.includes(id)).length,
        // The to-do list is every failed delivery, newest first, up to 100: here exactly the broken rows' deliveries.
        todoOk: dashboard.body.counts.failed === brokenIds.length && todoIds.length === Math.min(100, brokenIds.length) && todoIds.every((id) => brokenIds.includes(id)),
        operatorProcessed: count('processed'),
        operatorCancelled: count('cancelled'),
        markProcessed: markLatencies,
        deleteCancelMs: (deleted as { cancelledMs: number | null } | null)?.cancelledMs ?? null,
        notEnded: left,
      };
    },
    stop() {
      stopped = true;
    },
  };
}
