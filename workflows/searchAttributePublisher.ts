// Keeps the event workflow's Hrhooks* search attributes up to date, upserting only when their values
// change. Deterministic: no I/O here.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { DeliveryState, DeliveryStatus, EventInput, EventState } from './definitions';
import { attemptsKey, nextAttemptKey, statusKey } from './searchAttributes';

interface Shown {
  statuses: string[];
  next: string | null;
  attempts: number;
}

const sameShown = (a: Shown, b: Shown): boolean =>
  a.next === b.next && a.attempts === b.attempts && a.statuses.length === b.statuses.length && a.statuses.every((s, i) => s === b.statuses[i]);

/** Nothing to report yet: pending or delivered at its first attempt, no operator involved. */
const routine = (d: DeliveryState) =>
  (d.status === 'pending' || d.status === 'delivering' || d.status === 'delivered') && d.attemptCount <= 1 && d.actions.length === 0;

/**
 * HrhooksStatus, HrhooksAttempts and HrhooksNextAttempt are first set when some delivery needs more than a
 * first-try success (a retry, a failure, an operator): an event delivered everywhere at the first attempt
 * closes without them, and costs no upsert (measured: the upsert was a quarter of the engine's work per
 * event). After that they are upserted whenever their values change. Decided synchronously in the changing
 * delivery's own continuation, never at the end of an activation: local activity results grouped
 * differently on replay than live must issue the same commands (test/workflows/replay.test.ts).
 */
export class SearchAttributePublisher {
  /** What is shown while an attempt is in flight: the status before it (no transient `delivering`). */
  private readonly before = new Map<string, DeliveryStatus>();
  /** A continued run re-publishes once (its first upsert); a first run starts with none of them set. */
  private last: Shown | null = null;
  private published = false;

  constructor(private readonly input: EventInput, private readonly state: EventState) {}

  /** An attempt starts: keep showing the status the delivery had. */
  holdStatus(deliveryId: string, status: DeliveryStatus): void {
    this.before.set(deliveryId, status);
  }

  /** The delivery has its own status again: publish what changed. */
  statusSet(deliveryId: string): void {
    this.before.delete(deliveryId);
    this.flush();
  }

  flush(): void {
    if (this.input.searchAttributes === false) return;
    if (!this.published && !this.input.carried && this.state.deliveries.every(routine)) return;
    this.published = true;
    const shown = this.current();
    if (this.last && sameShown(this.last, shown)) return;
    this.last = shown;
    upsertSearchAttributes([
      { key: statusKey, value: shown.statuses },
      { key: attemptsKey, value: shown.attempts },
      { key: nextAttemptKey, value: shown.next ? new Date(shown.next) : null },
    ]);
  }

  private current(): Shown {
    const { deliveries } = this.state;
    return {
      statuses: [...new Set(deliveries.map((d) => this.before.get(d.deliveryId) ?? d.status))].sort(),
      next: deliveries.map((d) => d.nextAttemptAt).filter((t): t is string => !!t).sort()[0] ?? null,
      attempts: deliveries.reduce((n, d) => n + d.attemptCount, 0),
    };
  }
}
