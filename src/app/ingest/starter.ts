// Starts event workflows off the producer's request path. The `deliveries` rows are the durable outbox:
// ingest commits them (workflow_started = false), answers 202 and enqueues the event id here; lanes start
// the workflows in batches (one SELECT and one UPDATE per batch) and a re-drive pass picks up whatever a
// crash, a full queue or a Temporal outage left unstarted. The in-memory queue is bounded and serves tenants in
// turn (../../domain/tenants/fairQueue.ts): Postgres is the truth.
// A start Temporal refuses for good ends that event's deliveries `failed` (on the to-do list, with the reason);
// one that fails for now is counted, and the re-drive pass takes it after those that never failed.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { countStartFailures, markEventsStarted, unstartedEvents, unstartedRowsOfEvents } from '../../infra/db/deliveries';
import type { Logger } from '../../infra/observability/log';
import { startEvent, type StartRow } from '../../infra/temporal/deliveryClient';
import { startRefusedForGood } from '../../infra/temporal/startRefusal';
import { refuseEventStarts } from '../../infra/db/deliveryStatus';
import { eventKey, eventRefOf } from '../../domain/tenants/eventKey';
import { FairQueue } from '../../domain/tenants/fairQueue';

export interface StarterDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  log: Logger;
}

export interface StarterOptions {
  /** Batches in flight at once (each starts its events together: lanes × batch starts in flight at most). */
  lanes?: number;
  /** Events one lane takes per batch. */
  batch?: number;
  /** Event ids held in memory; past it they wait for the re-drive pass. */
  maxQueued?: number;
  /** Re-drive period; 0 turns the periodic pass off (runOnce still works). */
  redriveIntervalMs?: number;
  /** A row must be this old before the re-drive pass takes it (leaves fresh ones to the queue). */
  redriveOlderThanMs?: number;
  /** Eager workflow start: the client shares its connection with a worker of this task queue. */
  eager?: boolean;
  /** Rounds a failed batch is retried from memory (after 1, 2, 4 … s) before the re-drive pass owns it. */
  memoryRetries?: number;
  /** The tenant as the workflow's fairness key, and tenants served in turn (HRHOOKS_FAIRNESS; default on). */
  fairness?: boolean;
}

export interface EventStarter {
  /** Queues an accepted event (its key: ../../domain/tenants/eventKey.ts) for its workflow start; never throws, never waits. */
  enqueue(eventKey: string): void;
  /** One re-drive pass now; resolves with how many deliveries it started. */
  runOnce(): Promise<number>;
  /** Resolves when the queue is empty and no lane is busy. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const MEMORY_RETRIES = 5;

/** Events one lane starts together. */
export const START_BATCH = 16;

/** What one call of startEvents settled. */
export interface StartResult {
  /** Deliveries whose workflow is now started. */
  deliveries: number;
  /** Events settled: started, or refused for good. */
  settled: number;
  /** Events (by key) Temporal refused for good, with its reason; their deliveries are now `failed`. */
  refused: Map<string, string>;
}

/** The rows by event (key: ../../domain/tenants/eventKey.ts). */
function groupByEvent(rows: StartRow[]): Map<string, StartRow[]> {
  const groups = new Map<string, StartRow[]>();
  for (const row of rows) {
    const key = eventKey(row.tenantId, row.eventId);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

/**
 * Starts the workflows of some events from their unstarted rows, all at once (a batch takes one start's time, so
 * an event queued behind a busy lane waits for one start, not sixteen), and marks them started in one UPDATE.
 * A start Temporal refuses for good (startRefusedForGood) fails that event's deliveries; a failure that may pass
 * (Temporal unreachable) is counted on its events and the first one is rethrown once the successes and refusals
 * are recorded.
 */
export async function startEvents(deps: StarterDeps, eventKeys: string[], eager = false, fairness = true): Promise<StartResult> {
  const groups = [...groupByEvent(await unstartedRowsOfEvents(deps.pool, eventKeys))];
  const outcomes = await Promise.allSettled(groups.map(([, rows]) => startEvent(deps.temporal, deps.taskQueue, rows, { eager, fairness })));
  const started: string[] = [];
  const refused = new Map<string, string>();
  const failed: Array<{ key: string; err: Error }> = [];
  let deliveries = 0;
  outcomes.forEach((outcome, i) => {
    const [key, rows] = groups[i]!;
    if (outcome.status === 'fulfilled') {
      started.push(key);
      deliveries += rows.length;
      return;
    }
    const reason = startRefusedForGood(outcome.reason);
    if (reason) refused.set(key, reason);
    else failed.push({ key, err: outcome.reason as Error });
  });
  await markEventsStarted(deps.pool, started);
  await recordRefusals(deps, refused);
  if (failed.length > 0) {
    await countStartFailures(deps.pool, failed.map((f) => f.key));
    throw failed[0]!.err;
  }
  return { deliveries, settled: started.length + refused.size, refused };
}

async function recordRefusals(deps: StarterDeps, refused: Map<string, string>): Promise<void> {
  if (refused.size === 0) return;
  await refuseEventStarts(deps.pool, [...refused].map(([key, reason]) => ({ ...eventRefOf(key), reason })));
  for (const [key, reason] of refused) {
    deps.log.error({ ...eventRefOf(key), err: reason }, "Temporal refused the event's workflow start for good; its deliveries are failed (to-do list)");
  }
}

export function startEventStarter(deps: StarterDeps, opts: StarterOptions = {}): EventStarter {
  return new Starter(deps, opts);
}

/** The lanes, the bounded in-memory queue with its retries, and the periodic re-drive pass. */
class Starter implements EventStarter {
  private readonly lanes: number;
  private readonly batch: number;
  private readonly maxQueued: number;
  private readonly memoryRetries: number;
  private readonly olderThanMs: number;
  /** Accepted events not started yet, served one tenant at a time (a tenant's flood does not queue the others). */
  private readonly queue: FairQueue;
  /** Failed start rounds per event id still being retried from memory (bounded; the re-drive pass takes over). */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout | null;
  private busyLanes = 0;
  private stopped = false;
  private lastWarning = 0;
  private redriving: Promise<void> | null = null;

  constructor(private readonly deps: StarterDeps, private readonly opts: StarterOptions) {
    this.lanes = opts.lanes ?? 4;
    this.batch = opts.batch ?? START_BATCH;
    this.maxQueued = opts.maxQueued ?? 10_000;
    this.queue = new FairQueue(this.maxQueued, opts.fairness !== false);
    this.memoryRetries = opts.memoryRetries ?? MEMORY_RETRIES;
    this.olderThanMs = opts.redriveOlderThanMs ?? 5_000;
    const intervalMs = opts.redriveIntervalMs ?? 3_000;
    this.timer = intervalMs > 0 ? setInterval(() => this.redrive(), intervalMs) : null;
    this.timer?.unref();
  }

  enqueue(eventId: string): void {
    if (this.stopped) return;
    this.queue.add(eventId);
    this.pump();
  }

  /** One re-drive pass: the unstarted events older than olderThanMs, in batches, until none is left or none settles. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await unstartedEvents(this.deps.pool, this.olderThanMs, 500);
      const fresh = ids.filter((id) => !this.queue.has(id));
      if (fresh.length === 0) return total;
      let settled = 0;
      for (let i = 0; i < fresh.length; i += this.batch) {
        const result = await this.startBatch(fresh.slice(i, i + this.batch));
        total += result.deliveries;
        settled += result.settled;
      }
      if (settled === 0 || ids.length < 500) return total;
    }
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.settleIfIdle();
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    const draining = this.queue.size > 0 || this.busyLanes > 0 ? this.idle() : Promise.resolve();
    await Promise.race([draining, new Promise((r) => setTimeout(r, 5_000).unref())]);
    this.stopped = true;
    this.queue.clear();
    this.settleIfIdle();
    await this.redriving;
  }

  private startBatch(eventIds: string[]): Promise<StartResult> {
    return startEvents(this.deps, eventIds, this.opts.eager, this.opts.fairness);
  }

  /** A warning at most every 5 s: a Temporal outage would otherwise log once per batch. */
  private warn(err: Error, what: string): void {
    if (Date.now() - this.lastWarning < 5_000) return;
    this.lastWarning = Date.now();
    this.deps.log.warn({ err }, what);
  }

  private pump(): void {
    while (!this.stopped && this.busyLanes < this.lanes && this.queue.size > 0) {
      const ids = this.queue.take(this.batch);
      this.busyLanes += 1;
      this.startBatch(ids)
        .then(() => ids.forEach((id) => this.failures.delete(id)))
        .catch((err: Error) => {
          this.warn(err, 'could not start event workflows; retrying');
          this.retryLater(ids);
        })
        .finally(() => {
          this.busyLanes -= 1;
          this.pump();
          this.settleIfIdle();
        });
    }
  }

  /** Tries a failed batch again after 1, 2, 4, 8, 16 s; past that the periodic re-drive pass owns it. */
  private retryLater(eventIds: string[]): void {
    const due = new Map<number, string[]>();
    for (const id of eventIds) {
      const round = (this.failures.get(id) ?? 0) + 1;
      if (round > this.memoryRetries) {
        this.failures.delete(id);
        continue;
      }
      this.failures.set(id, round);
      due.set(round, [...(due.get(round) ?? []), id]);
    }
    for (const [round, ids] of due) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        for (const id of ids) if (!this.stopped) this.queue.add(id);
        this.pump();
      }, 1_000 * 2 ** (round - 1));
      timer.unref();
      this.retryTimers.add(timer);
    }
  }

  private settleIfIdle(): void {
    if (this.queue.size === 0 && this.busyLanes === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The periodic pass, only while nothing else is starting (the queue and the lanes go first). */
  private redrive(): void {
    if (this.redriving || this.queue.size > 0 || this.busyLanes > 0) return;
    this.redriving = this.runOnce()
      .then((n) => void (n > 0 && this.deps.log.info({ deliveries: n }, 'started pending deliveries')))
      .catch((err: Error) => this.warn(err, 'pending delivery starter failed; will retry'))
      .finally(() => {
        this.redriving = null;
      });
  }
}
