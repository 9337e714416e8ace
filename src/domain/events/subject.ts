// What an event is about, derived in ONE place per event type: the resource it changes (the key that
// orders deliveries, issue 15) and the subject an admin searches for and reads in lists (employee id,
// name and number; absence id; pay-run id and name). Pure: no I/O; tolerant of any producer data
// (non-leave data is the producer's model object, passed through as given).
import type { DeliverableEventType } from './eventTypes';

export type ResourceKind = 'absence' | 'employee' | 'payrun';

export interface EventSubject {
  /** `absence:<id>`, `employee:<id>` or `payrun:<id>`; null when the data names no id (never ordered). */
  resourceKey: string | null;
  /** The person (or, for a pay run, the pay run) the event is about. */
  id: string | null;
  name: string | null;
  /** The employee number, when the data carries one. */
  number: string | null;
}

const NONE: EventSubject = { resourceKey: null, id: null, name: null, number: null };

type Obj = Record<string, unknown>;

const asObject = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

/** A scalar id or text, clipped; null for anything else (objects, empty strings). */
function scalar(v: unknown, max = 200): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.slice(0, max);
  return null;
}

function personName(p: Obj): string | null {
  const direct = scalar(p.name) ?? scalar(p.displayName) ?? scalar(p.fullName);
  if (direct) return direct;
  const parts = [scalar(p.firstName), scalar(p.lastName)].filter((s): s is string => s !== null);
  return parts.length > 0 ? parts.join(' ').slice(0, 200) : null;
}

function person(p: Obj | null, id: unknown): Pick<EventSubject, 'id' | 'name' | 'number'> {
  return { id: scalar(id), name: p ? personName(p) : null, number: p ? scalar(p.employeeNumber) : null };
}

/**
 * Where producer data carries the employee's or the pay run's own id, in the order read: the event schema
 * (dataSchemas.ts) requires one of them, subjectOf reads the first present.
 */
export const ID_FIELDS = {
  employee: ['id', 'employeeId', 'Id'],
  payrun: ['id', 'payRunId', 'Id'],
} as const satisfies Record<string, readonly string[]>;

const firstId = (d: Obj, fields: readonly string[]): string | null =>
  fields.reduce<string | null>((found, f) => found ?? scalar(d[f]), null);

const key = (kind: ResourceKind, id: string | null): string | null => (id === null ? null : `${kind}:${id}`);

/** The resource kind an event type changes, or null (test messages). */
export function resourceKindOf(type: DeliverableEventType): ResourceKind | null {
  const family = type.slice(0, type.indexOf('.'));
  switch (family) {
    case 'leave':
      return 'absence';
    case 'employee':
    case 'bank_account':
    case 'recurring_deduction':
    case 'timesheet':
      return 'employee';
    case 'payrun':
      return 'payrun';
    default:
      return null;
  }
}

export function subjectOf(type: DeliverableEventType, data: unknown): EventSubject {
  const d = asObject(data);
  const kind = resourceKindOf(type);
  if (!d || !kind) return NONE;
  if (kind === 'absence') {
    const owner = asObject(d.owner);
    return { resourceKey: key('absence', scalar(d.id)), ...person(owner, owner?.id) };
  }
  if (kind === 'payrun') {
    const id = firstId(d, ID_FIELDS.payrun);
    return { resourceKey: key('payrun', id), id, name: scalar(d.name) ?? scalar(d.period), number: null };
  }
  if (type.startsWith('employee.')) {
    const id = firstId(d, ID_FIELDS.employee);
    return { resourceKey: key('employee', id), ...person(d, id) };
  }
  // bank_account.*, recurring_deduction.*, timesheet.*: about an employee named inside the data.
  const employee = asObject(d.employee) ?? asObject(d.owner);
  const id = scalar(d.employeeId) ?? scalar(employee?.id);
  const who = person(employee, id);
  return { resourceKey: key('employee', id), ...who, name: who.name ?? scalar(d.employeeName) };
}

/**
 * The resource keys a free-text search term could mean (an absence id, an employee id, a pay-run id):
 * searched with equality, so the lookup uses the deliveries' resource index.
 */
export function resourceKeysMatching(term: string): string[] {
  const t = term.trim();
  return t === '' ? [] : (['absence', 'employee', 'payrun'] as const).map((k) => `${k}:${t}`);
}
