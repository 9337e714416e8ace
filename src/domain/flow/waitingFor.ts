// What a queued delivery waits for, as a typed union, and its one stored form (deliveries.waiting_for, the
// `held.waitingFor` of recorded workflow histories): a string, byte for byte as before. Pure.

export type WaitingFor =
  | { kind: 'delivery'; deliveryId: string }
  | { kind: 'pause' }
  | { kind: 'rate' };

/** The stored forms of the two sentinels; any other stored string names the delivery ahead. */
export const WAITING_FOR_PAUSE = 'subscription paused';
export const WAITING_FOR_RATE = 'rate limit';

export const waitingForPause: WaitingFor = { kind: 'pause' };
export const waitingForRate: WaitingFor = { kind: 'rate' };
export const waitingForDelivery = (deliveryId: string): WaitingFor => ({ kind: 'delivery', deliveryId });

/** The stored form: the sentinel text, or the delivery's id. */
export function formatWaitingFor(waitingFor: WaitingFor): string {
  switch (waitingFor.kind) {
    case 'pause': return WAITING_FOR_PAUSE;
    case 'rate': return WAITING_FOR_RATE;
    case 'delivery': return waitingFor.deliveryId;
  }
}

/** Reads a stored form back; formatWaitingFor(parseWaitingFor(s)) === s for every string. */
export function parseWaitingFor(stored: string): WaitingFor {
  if (stored === WAITING_FOR_PAUSE) return waitingForPause;
  if (stored === WAITING_FOR_RATE) return waitingForRate;
  return waitingForDelivery(stored);
}

/** parseWaitingFor for a column or field that may be empty (not queued). */
export const parseWaitingForOrNull = (stored: string | null | undefined): WaitingFor | null =>
  (stored ? parseWaitingFor(stored) : null);
