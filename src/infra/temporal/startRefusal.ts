// Tells a workflow start that Temporal refused for good (this event's start will never be accepted as
// it is: a value past the engine's limits) from one that failed for now (Temporal unreachable, a
// deadline, a server restarting). Owns that rule for the starter and the operator actions alike.

/** gRPC status codes that refuse this request itself, not the service's state: retrying the same start cannot help. */
const REFUSED_FOR_GOOD = new Map<number, string>([
  [3, 'INVALID_ARGUMENT'],
  [11, 'OUT_OF_RANGE'],
]);

interface CodedError {
  code?: unknown;
  details?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Why Temporal refused this start for good, in its own words; null when the failure may pass (retry later). */
export function startRefusedForGood(err: unknown): string | null {
  for (let e = err as CodedError | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as CodedError, depth += 1) {
    if (typeof e.code === 'number' && REFUSED_FOR_GOOD.has(e.code)) {
      const words = typeof e.details === 'string' && e.details ? e.details : String(e.message ?? '');
      return `Temporal refused the event's workflow start (${REFUSED_FOR_GOOD.get(e.code)}): ${words}`;
    }
  }
  return null;
}
