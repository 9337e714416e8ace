// Builds the synthetic event behind "send a test message" for a subscription, of a type it receives.
// Pure apart from a random id: no I/O. The result always passes parseEvent.
import { randomBytes } from 'node:crypto';
import { isLeaveEventType, type EventType } from '../events/eventTypes';
import type { Absence, HrEvent } from '../events/schema';
import type { SubscriptionView } from './format';
import { listsEvent, subscriptionMatches } from './matching';

export const TEST_MESSAGE_TEXT = 'Test Message from Application';

type TestSubscription = Pick<SubscriptionView, 'format' | 'events' | 'mode'>;

const LUCCA_CANDIDATES: EventType[] = ['leave.created', 'leave.approved', 'leave.deleted', 'leave.cancelled', 'leave.declined'];

function testAbsence(now: Date, confirmed: boolean): Absence {
  const date = now.toISOString().slice(0, 10);
  return {
    id: 'test',
    owner: { id: 0, name: 'Test Employee', email: 'test.employee@example.com', employeeNumber: '00000' },
    leaveAccount: { id: 0, name: 'Test leave', categoryId: 0, categoryName: 'Test', unit: 'days' },
    start: { date, half: 'AM' },
    end: { date, half: 'PM' },
    halfDays: null,
    durationInHours: null,
    isConfirmed: confirmed,
    confirmationDate: confirmed ? now.toISOString().replace('Z', '') : null,
    isCancelled: false,
    cancellationDate: null,
    creationDate: now.toISOString().replace('Z', ''),
  };
}

function eventOf(type: EventType, data: unknown, now: Date): HrEvent {
  return { id: `test_${randomBytes(12).toString('hex')}`, type, occurredAt: now.toISOString(), data };
}

function dataFor(sub: TestSubscription, type: EventType, now: Date): unknown {
  if (isLeaveEventType(type)) return testAbsence(now, type !== 'leave.created');
  if (sub.format === 'aspnet') return { Type: TEST_MESSAGE_TEXT };
  return { test: true, message: TEST_MESSAGE_TEXT };
}

function preferredType(sub: TestSubscription, now: Date): EventType {
  if (sub.format === 'lucca') {
    const ordered = sub.mode === 'approved' ? LUCCA_CANDIDATES.slice(1) : LUCCA_CANDIDATES;
    const match = ordered.find((type) => subscriptionMatches(sub, eventOf(type, dataFor(sub, type, now), now)));
    return match ?? ordered[0]!;
  }
  if (sub.format === 'aspnet' && listsEvent(sub.events, 'bank_account.deleted')) return 'bank_account.deleted';
  if (sub.events === '*') return 'employee.updated';
  return sub.events[0] ?? 'employee.updated';
}

export function testEventFor(sub: TestSubscription, now: Date = new Date()): HrEvent {
  const type = preferredType(sub, now);
  return eventOf(type, dataFor(sub, type, now), now);
}
