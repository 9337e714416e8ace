// Whose personal data an event is (issue 23): the employee its subject names — an absence's owner, the employee
// of employee.*, bank_account.*, recurring_deduction.*, timesheet.* events — or nobody (a pay run, a test message,
// data naming no id), whose data is sealed under the tenant's own key. Pure.
import type { EventSubject } from './subject';

/** The employee whose data key seals this event's personal data; null for the tenant's own key. */
export function employeeOf(subject: Pick<EventSubject, 'id' | 'resourceKey'>): string | null {
  if (subject.id === null || subject.resourceKey === null || subject.resourceKey.startsWith('payrun:')) return null;
  return subject.id;
}

/** The employee id of a delivery row (subject_id, resource_key), as employeeOf reads a fresh subject. */
export const employeeOfRow = (row: { subject_id?: string | null; resource_key?: string | null }): string | null =>
  employeeOf({ id: row.subject_id ?? null, resourceKey: row.resource_key ?? null });
