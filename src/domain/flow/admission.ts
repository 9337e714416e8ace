// Who may go now, as the send path reads the flow-control store's answer for one delivery: go, ask again
// after a short wait (slept inside the attempt), or be held (queued) with what it waits for. Pure.
import { waitingForPause, waitingForRate, type WaitingFor } from './waitingFor';

/** The store's answer to one delivery's request for a slot (src/infra/db/flowControl.ts admit). */
export type SlotAnswer =
  | { kind: 'granted' }
  | { kind: 'wait'; waitMs: number }
  | { kind: 'paused' };

export type Admission =
  | { kind: 'go' }
  | { kind: 'again'; waitMs: number }
  | { kind: 'held'; waitingFor: WaitingFor; retryInMs: number | null };

/** A wait for the rate limit up to this long happens inside the activity; a longer one queues the delivery on a timer. */
export const INLINE_WAIT_MS = 3_000;
/** The shortest timer a delivery held for the rate limit is queued on. */
const MIN_HELD_RETRY_MS = 100;
/** The shortest sleep between two asks inside the activity. */
const MIN_INLINE_SLEEP_MS = 10;

/** One answer, read at `now` against the batch's inline-wait `deadline` (epoch ms). */
export function admission(answer: SlotAnswer, now: number, deadline: number): Admission {
  if (answer.kind === 'paused') return { kind: 'held', waitingFor: waitingForPause, retryInMs: null };
  if (answer.kind === 'granted') return { kind: 'go' };
  if (now + answer.waitMs > deadline) return { kind: 'held', waitingFor: waitingForRate, retryInMs: Math.max(answer.waitMs, MIN_HELD_RETRY_MS) };
  return { kind: 'again', waitMs: answer.waitMs };
}

/** How long to sleep before asking again for those told to wait: the shortest of their waits. */
export const inlineSleepMs = (waits: readonly number[]): number => Math.max(Math.min(...waits), MIN_INLINE_SLEEP_MS);
