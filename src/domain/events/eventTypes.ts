// The closed list of event types hrhooks accepts from producers (SPEC §2), and the one reserved type
// hrhooks itself emits (subscription test messages). Pure data: no I/O.
import { z } from 'zod';

export const EVENT_TYPES = [
  'leave.created',
  'leave.updated',
  'leave.approved',
  'leave.declined',
  'leave.cancelled',
  'leave.deleted',
  'employee.created',
  'employee.updated',
  'employee.terminated',
  'payrun.initialised',
  'payrun.finalised',
  'payrun.deleted',
  'bank_account.updated',
  'bank_account.deleted',
  'recurring_deduction.updated',
  'recurring_deduction.deleted',
  'timesheet.clock_in',
  'timesheet.clock_out',
] as const;

export const eventTypeSchema = z.enum(EVENT_TYPES);

export type EventType = z.infer<typeof eventTypeSchema>;

export const OPT_IN_EVENT_TYPES: readonly EventType[] = ['timesheet.clock_in', 'timesheet.clock_out'];

/**
 * A subscription test message (POST /v1/subscriptions/:id/test): reserved, so producers cannot post it;
 * it reaches the one subscription it was sent to whatever that subscription's event filter.
 */
export const TEST_EVENT_TYPE = 'hrhooks.test';

export type TestEventType = typeof TEST_EVENT_TYPE;

/** Every type a stored event can carry: a producer's type or the test message's. */
export type DeliverableEventType = EventType | TestEventType;

export function isTestEventType(type: unknown): type is TestEventType {
  return type === TEST_EVENT_TYPE;
}

export function isLeaveEventType(type: DeliverableEventType): boolean {
  return type.startsWith('leave.');
}
