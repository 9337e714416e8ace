// The "lucca" leave webhook (SPEC §4.1, seed 000): leave events only, one JSON leave per half-day.
// Pure rendering: no I/O; the Authorization value arrives in the subscription view at send time.
// A test message (hrhooks.test) is `X-Event: test` with an empty array: no leave a receiver could import.
import { timingSafeEqual } from 'node:crypto';
import { isLeaveEventType, isTestEventType, type DeliverableEventType } from '../../events/eventTypes';
import { absenceSchema, type FieldError, type HrEvent } from '../../events/schema';
import {
  FormatError,
  withExtraHeaders,
  type Format,
  type ReceivedRequest,
  type RenderInput,
  type SubscriptionFields,
  type SubscriptionView,
  type VerifyKey,
} from '../format';
import { expandHalfDays } from './halfDays';

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

function validate(fields: SubscriptionFields): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.secret !== undefined) errors.push({ field: 'secret', message: 'lucca subscriptions are not signed; use authorization' });
  if (Array.isArray(fields.events) && fields.events.some((t) => !isLeaveEventType(t))) {
    errors.push({ field: 'events', message: 'lucca subscriptions take only leave.* events' });
  }
  return errors;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const X_EVENTS = [...new Set(Object.values(LUCCA_EVENTS))];

function verify(req: ReceivedRequest, key: VerifyKey): string | null {
  const auth = req.headers['authorization'];
  if (auth === undefined) return 'missing Authorization header';
  if (!sameText(auth, key.authorization ?? '')) return 'Authorization does not match';
  if (req.headers['x-resource-type'] !== 'leave') return 'X-Resource-Type is not leave';
  if (!X_EVENTS.includes(req.headers['x-event'] as LuccaEvent)) return `X-Event is not ${X_EVENTS.slice(0, -1).join(', ')} or ${X_EVENTS.at(-1)}`;
  try {
    if (!Array.isArray(JSON.parse(req.body.toString('utf8')))) return 'body is not a JSON array of leaves';
  } catch {
    return 'body is not JSON';
  }
  return null;
}

export const lucca: Format<'lucca'> = {
  name: 'lucca',
  offer: { label: 'leave webhook', rank: 3 },
  defaultLadder: ['5m', '15m', '1h', '24h'],
  credential: { kind: 'authorization' },
  defaultMode: 'all',
  defaultOrdering: 'resource',
  collapsible: false,
  validate,
  sends,
  render,
  verify,
  secretHeaders: ['authorization'],
  hasMessageId: false,
  rotation: 'pending',
};
