// The "lucca" leave webhook (SPEC §4.1, seed 000): leave events only, one JSON leave per half-day.
// Pure rendering: no I/O; the Authorization value arrives in the subscription view at send time.
import type { EventType } from '../events/eventTypes';
import { expandHalfDays } from '../events/halfDays';
import { absenceSchema, type HrEvent } from '../events/schema';
import { DEFAULT_LADDERS } from '../ladder';
import { FormatError, withExtraHeaders, type Format, type RenderInput, type SubscriptionView } from './format';

export type LuccaEvent = 'created' | 'approved' | 'deleted';

export const LUCCA_PAYLOAD_VERSION = '1';

const LUCCA_EVENTS: Partial<Record<EventType, LuccaEvent>> = {
  'leave.created': 'created',
  'leave.approved': 'approved',
  'leave.deleted': 'deleted',
  'leave.cancelled': 'deleted',
  'leave.declined': 'deleted',
};

export function luccaEventOf(type: EventType): LuccaEvent | null {
  return LUCCA_EVENTS[type] ?? null;
}

function wasApproved(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { isConfirmed?: unknown }).isConfirmed === true;
}

function sends(event: HrEvent, sub: Pick<SubscriptionView, 'mode' | 'events'>): boolean {
  const kind = luccaEventOf(event.type);
  if (kind === null) return false;
  if (sub.mode !== 'approved') return true;
  if (kind === 'approved') return true;
  return kind === 'deleted' && wasApproved(event.data);
}

function render({ event, subscription }: RenderInput) {
  const kind = luccaEventOf(event.type);
  if (kind === null) throw new FormatError(`the lucca format does not send ${event.type}`);
  const absence = absenceSchema.safeParse(event.data);
  if (!absence.success) throw new FormatError(`event ${event.id} does not carry a valid absence`);
  const auth = subscription.authorization;
  if (auth && /[\r\n\0]/.test(auth)) throw new FormatError('authorization value contains a line break');
  const own: Record<string, string> = {
    ...(auth ? { authorization: auth } : {}),
    'x-version': LUCCA_PAYLOAD_VERSION,
    'x-resource-type': 'leave',
    'x-event': kind,
    'content-type': 'application/json',
  };
  return {
    headers: withExtraHeaders(own, subscription.headers),
    body: Buffer.from(JSON.stringify(expandHalfDays(absence.data)), 'utf8'),
  };
}

export const lucca: Format = {
  name: 'lucca',
  defaultLadder: DEFAULT_LADDERS.lucca,
  sends,
  render,
  secretHeaders: ['authorization'],
};
