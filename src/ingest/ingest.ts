// The ingest use-case: validate an event, store it with its deliveries, start their workflows.
// Knows nothing of HTTP; the gateway maps its outcomes and errors to responses.
//
// Why this order: validate → ONE Postgres transaction (event + body hash + one `deliveries` row per
// matching subscription, workflow_started=false) → start each workflow under its deterministic id →
// mark started → 202. Storing first means an accepted event is never lost: if we crash, or Temporal is
// down, after the commit, the rows say "not started" and the producer's retry (same id, same body) or the
// gateway's background starter re-drives them. Starting is idempotent because the workflow id is
// deterministic (REJECT_DUPLICATE + conflict FAIL, "already started" counts as success), so no path can
// deliver twice. Postgres down → nothing stored, nothing started; the producer retries from scratch.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { deliveriesOfEvent, markStarted, unstartedDeliveries, type DeliveryStartRow } from '../db/deliveries';
import { bodyHashOf, storeEvent, type NewDeliveryRow } from '../db/events';
import { listActiveForMatching, type MatchableSubscription } from '../db/subscriptions';
import { parseEvent, type FieldError, type HrEvent } from '../events/schema';
import { deliveryIdFor } from '../formats/identity';
import { subscriptionMatches } from '../formats/matching';
import type { Logger } from '../log';
import { eventsAccepted } from '../metrics';
import { startDelivery, type StartRow } from '../temporal/deliveryClient';
import type { DeliveryStatus } from '../../workflows/definitions';

export interface IngestDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  log: Logger;
}

export interface AcceptedEvent {
  eventId: string;
  deliveries: { id: string; subscriptionId: string; status: DeliveryStatus }[];
  replayed: boolean;
}

export type IngestOutcome =
  | { kind: 'accepted'; accepted: AcceptedEvent }
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'conflict'; eventId: string };

/** The event is stored; some workflows could not be started yet (Temporal unreachable). */
export class DeliveryStartError extends Error {
  override readonly name = 'DeliveryStartError';
}

const MAX_DEPTH = 32;

/** Iterative, so hostile nesting cannot overflow the stack here (or later, when hashing and storing). */
function nestedTooDeep(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

const clip = (v: unknown): string | null => (v == null || v === '' ? null : String(v).slice(0, 200));

function subjectOf(data: unknown): { subjectId: string | null; subjectName: string | null } {
  if (data === null || typeof data !== 'object') return { subjectId: null, subjectName: null };
  const d = data as Record<string, any>;
  const who = d.owner && typeof d.owner === 'object' ? d.owner : d;
  const fullName = [who.firstName, who.lastName].filter((p) => typeof p === 'string').join(' ');
  return { subjectId: clip(who.id ?? who.employeeId), subjectName: clip(who.name ?? (fullName || null)) };
}

function rowsFor(event: HrEvent, subs: MatchableSubscription[]): NewDeliveryRow[] {
  const subject = subjectOf(event.data);
  return subs
    .filter((s) => subscriptionMatches(s, event))
    .map((s) => ({ id: deliveryIdFor(s.id, event.id), subscriptionId: s.id, format: s.format, ...subject }));
}

/** Starts every not-yet-started row, marks the successes, throws if any could not be started. */
export async function startAll(deps: IngestDeps, rows: StartRow[]): Promise<void> {
  const results = await Promise.allSettled(rows.map((r) => startDelivery(deps.temporal, deps.taskQueue, r)));
  await markStarted(deps.pool, rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new DeliveryStartError(`could not start delivery workflows: ${(failed.reason as Error)?.message ?? failed.reason}`);
}

function answer(eventId: string, rows: DeliveryStartRow[], replayed: boolean): AcceptedEvent {
  return {
    eventId,
    replayed,
    deliveries: [...rows].sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({ id: r.id, subscriptionId: r.subscriptionId, status: r.status })),
  };
}

/**
 * Ingests a raw JSON body. `only` restricts matching to one subscription (test messages);
 * otherwise every enabled subscription is matched.
 */
export async function ingest(
  deps: IngestDeps,
  body: unknown,
  opts: { only?: MatchableSubscription; isTest?: boolean } = {},
): Promise<IngestOutcome> {
  if (nestedTooDeep(body, MAX_DEPTH)) {
    return { kind: 'invalid', errors: [{ field: 'data', message: `nested deeper than ${MAX_DEPTH} levels` }] };
  }
  const parsed = parseEvent(body);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const event = parsed.event;
  const subs = opts.only ? [opts.only] : await listActiveForMatching(deps.pool);
  const stored = await storeEvent(deps.pool, event, opts.isTest ?? false, () => rowsFor(event, subs));
  if (!stored.created && stored.existing.bodyHash !== bodyHashOf(event)) return { kind: 'conflict', eventId: event.id };
  if (stored.created) eventsAccepted.inc({ type: event.type });
  const rows = await deliveriesOfEvent(deps.pool, event.id);
  await startAll(deps, rows.filter((r) => !r.workflowStarted));
  return { kind: 'accepted', accepted: answer(event.id, rows, !stored.created) };
}

export interface PendingLoop {
  stop(): Promise<void>;
  /** One pass now (tests); resolves with how many deliveries were started. */
  runOnce(): Promise<number>;
}

/** Re-drives deliveries stored but never started (a crash or Temporal outage between store and start). */
export function startPendingLoop(deps: IngestDeps, opts: { intervalMs?: number; olderThanMs?: number } = {}): PendingLoop {
  const intervalMs = opts.intervalMs ?? 3_000;
  const olderThanMs = opts.olderThanMs ?? 5_000;
  let running: Promise<number> | null = null;
  const runOnce = async (): Promise<number> => {
    const rows = await unstartedDeliveries(deps.pool, olderThanMs);
    if (rows.length === 0) return 0;
    await startAll(deps, rows);
    deps.log.info({ count: rows.length }, 'started pending deliveries');
    return rows.length;
  };
  const tick = () => {
    if (running) return;
    running = runOnce()
      .catch((err: Error) => {
        deps.log.warn({ err: err.message }, 'pending delivery starter failed; will retry');
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
