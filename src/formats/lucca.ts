// The "lucca" leave webhook (SPEC §4.1, seed 000): leave events only, one JSON leave per half-day.
// Pure rendering: no I/O; the Authorization value arrives in the subscription view at send time.
// A test message (hrhooks.test) is `X-Event: test` with an empty array: no leave a receiver could import.
import { isTestEventType, type DeliverableEventType } from '../events/eventTypes';
import { expandHalfDays } from '../events/halfDays';
import { absenceSchema, type HrEvent } from '../events/schema';
import { DEFAULT_LADDERS } from '../ladder';
import { FormatError, withExtraHeaders, type Format, type RenderInput, type SubscriptionView } from './format';

export type LuccaEvent = 'created' | 'approved' | 'deleted';

/** The X-Event of a test message: outside the dialect's three, so a receiver cannot mistake it for a leave change. */
export const LUCCA_TEST_EVENT = 'test';

export const LUCCA_PAYLOAD_VERSION = '1';

const LUCCA_EVENTS: Partial<Record<DeliverableEventType, LuccaEvent>> = {
  'leave.created': 'created',
  'leave.approved': 'approved',
  'leave.deleted': 'deleted',
  'leave.cancelled': 'deleted',
  'leave.declined': 'deleted',
};

export function luccaEventOf(type: DeliverableEventType): LuccaEvent | null {
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

function headersFor(xEvent: string, subscription: SubscriptionView): Record<string, string> {
  const auth = subscription.authorization;
  if (auth && /[\r\n\0]/.test(auth)) throw new FormatError('authorization value contains a line break');
  const own: Record<string, string> = {
    ...(auth ? { authorization: auth } : {}),
    'x-version': LUCCA_PAYLOAD_VERSION,
    'x-resource-type': 'leave',
    'x-event': xEvent,
    'content-type': 'application/json',
  };
  return withExtraHeaders(own, subscription.headers);
}

function render({ event, subscription }: RenderInput) {
  if (isTestEventType(event.type)) return { headers: headersFor(LUCCA_TEST_EVENT, subscription), body: Buffer.from('[]', 'utf8') };
  const kind = luccaEventOf(event.type);
  if (kind === null) throw new FormatError(`the lucca format does not send ${event.type}`);
  const absence = absenceSchema.safeParse(event.data);
  if (!absence.success) throw new FormatError(`event ${event.id} does not carry a valid absence`);
  return {
    headers: headersFor(kind, subscription),
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
