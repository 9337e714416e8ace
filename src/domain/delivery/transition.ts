// The one decider of a delivery's next step (Svix's calculate_retry_delay): what the receiver's answer
// means, the delay before the next attempt, and the status an attempt's outcome leads to. The send
// activity records what it decides; the workflow adopts the same rules, never its own.
// Pure: no I/O, no clock of its own (callers pass `now`); runs inside the workflow sandbox.
import type { AttemptOutcome, DeliveryStatus, ResultOutcome } from './status';

/** A Retry-After longer than this is read as this. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** What an attempt says before the ladder is consulted; `retryAfterMs` is the receiver's Retry-After, if any. */
export interface Verdict {
  outcome: 'success' | 'retry' | 'gone' | 'aborted';
  retryAfterMs: number | null;
}

/** The receiver's answer as the dispatcher reports it (a transport error has no status code). */
export interface ReceiverAnswer {
  statusCode: number | null;
  responseHeaders: Record<string, string> | null;
}

/** Where a delivery stands on its ladder: the delay after this attempt if it fails; null when exhausted. */
export interface LadderPoint {
  ladderDelayMs: number | null;
}

export interface Transition {
  outcome: AttemptOutcome;
  status: DeliveryStatus;
  nextDelayMs: number | null;
}

function retryAfterMs(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const isDate = /[a-z]/i.test(trimmed);
  if (!isDate && !/^\d+$/.test(trimmed)) return null;
  const ms = isDate ? Date.parse(trimmed) - now : Number(trimmed) * 1000;
  if (Number.isNaN(ms)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** 2xx delivered, 410 gone for good, anything else (transport errors included) worth retrying; 429/503 may say when. */
export function classify<A extends ReceiverAnswer>(answer: A, now: number): Verdict & { outcome: 'success' | 'retry' | 'gone' } {
  const status = answer.statusCode;
  if (status !== null && status >= 200 && status < 300) return { outcome: 'success', retryAfterMs: null };
  if (status === 410) return { outcome: 'gone', retryAfterMs: null };
  if (status === 429 || status === 503) {
    return { outcome: 'retry', retryAfterMs: retryAfterMs(answer.responseHeaders?.['retry-after'], now) };
  }
  return { outcome: 'retry', retryAfterMs: null };
}

/** The delay before the next attempt: the ladder's step, stretched by a Retry-After; null when the ladder is exhausted. */
export function nextDelay(ladderDelayMs: number | null, retryAfterMs: number | null): number | null {
  return ladderDelayMs === null ? null : Math.max(ladderDelayMs, retryAfterMs ?? 0);
}

/**
 * The status a reported outcome leads to: `retrying` while a next attempt is due, `failed` when none is,
 * `queued` while held back; the closing outcomes close it.
 */
export function statusAfter(outcome: ResultOutcome, nextDelayMs: number | null): DeliveryStatus {
  switch (outcome) {
    case 'success': return 'delivered';
    case 'cancelled': return 'cancelled';
    case 'superseded': return 'superseded';
    case 'held': return 'queued';
    case 'retry':
    case 'aborted': return nextDelayMs === null ? 'failed' : 'retrying';
    default: return 'failed';
  }
}

/** An attempt's verdict on a delivery at this point of its ladder: its outcome, the status it leads to, the next delay. */
export function transition(delivery: LadderPoint, verdict: Verdict): Transition {
  const nextDelayMs = verdict.outcome === 'success' || verdict.outcome === 'gone' ? null : nextDelay(delivery.ladderDelayMs, verdict.retryAfterMs);
  const outcome: AttemptOutcome = verdict.outcome === 'retry' && nextDelayMs === null ? 'failed' : verdict.outcome;
  return { outcome, status: statusAfter(outcome, nextDelayMs), nextDelayMs };
}
