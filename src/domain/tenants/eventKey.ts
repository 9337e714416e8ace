// One accepted event of one tenant as one string (event ids are unique per tenant only): the key of the
// starter's queue, its maps and sets. Never stored: Postgres keeps the pair (tenant_id, event_id). Neither part
// can hold U+0000 (a tenant id is [A-Za-z0-9._-]; Postgres refuses the character in an event id). Pure.
export interface EventRef {
  tenantId: string;
  eventId: string;
}

const SEPARATOR = '\u0000';

export function eventKey(tenantId: string, eventId: string): string {
  return `${tenantId}${SEPARATOR}${eventId}`;
}

export function eventRefOf(key: string): EventRef {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) throw new Error('not an event key');
  return { tenantId: key.slice(0, at), eventId: key.slice(at + 1) };
}

/** The keys as two parallel arrays, the shape a Postgres `unnest($1::text[], $2::text[])` takes. */
export function eventKeyColumns(keys: readonly string[]): [string[], string[]] {
  const refs = keys.map(eventRefOf);
  return [refs.map((r) => r.tenantId), refs.map((r) => r.eventId)];
}
