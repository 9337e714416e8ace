// The closed list of event types hrhooks accepts (SPEC §2). Pure data: no I/O.
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

export function isLeaveEventType(type: EventType): boolean {
  return type.startsWith('leave.');
}
