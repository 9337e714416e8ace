// Zod schemas for incoming events and leave absences (SPEC §2), and parseEvent.
// Pure validation: no I/O, never recurses over input itself (zod walks it, bounded by the schemas).
import { z } from 'zod';
import { eventTypeSchema, isLeaveEventType, isTestEventType, TEST_EVENT_TYPE } from './eventTypes';
import { dateOfEpochDay, epochDay } from './calendarDays';

export const MAX_ABSENCE_DAYS = 366;
export const MAX_HALF_DAYS = 2 * MAX_ABSENCE_DAYS;

const text = z.string().max(1000);
const identifier = z.union([z.int(), z.string().min(1).max(100)], {
  error: 'must be an integer or a string of 1 to 100 characters',
});
const calendarDate = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const half = z.enum(['AM', 'PM']);

const boundarySchema = z.object({ date: calendarDate, half });

const halfDaySchema = z.object({ date: calendarDate, isAm: z.boolean() });

export const absenceSchema = z
  .object({
    id: identifier,
    owner: z.object({ id: identifier, name: text, email: text, employeeNumber: text.nullish() }),
    leaveAccount: z.object({
      id: identifier,
      name: text,
      categoryId: identifier.nullish(),
      categoryName: text.nullish(),
      unit: z.enum(['days', 'hours']),
    }),
    start: boundarySchema,
    end: boundarySchema,
    halfDays: z.array(halfDaySchema).max(MAX_HALF_DAYS).nullish(),
    durationInHours: z.number().nonnegative().max(24 * MAX_ABSENCE_DAYS).nullish(),
    isConfirmed: z.boolean(),
    confirmationDate: text.nullish(),
    isCancelled: z.boolean(),
    cancellationDate: text.nullish(),
    creationDate: text.nullish(),
  })
  .superRefine((a, ctx) => {
    if (!isCalendarDate(a.start.date) || !isCalendarDate(a.end.date)) return;
    const from = halfIndex(a.start.date, a.start.half === 'AM');
    const to = halfIndex(a.end.date, a.end.half === 'AM');
    if (to < from) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must not be before start' });
      return;
    }
    const days = epochDay(a.end.date) - epochDay(a.start.date) + 1;
    if (days > MAX_ABSENCE_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `absence spans ${days} days; at most ${MAX_ABSENCE_DAYS} days are accepted`,
      });
    }
    if (a.leaveAccount.unit === 'hours' && a.durationInHours == null) {
      ctx.addIssue({ code: 'custom', path: ['durationInHours'], message: 'required for an hours account' });
    }
    checkHalfDays(a.halfDays, from, to, ctx);
  });

function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && dateOfEpochDay(epochDay(date)) === date;
}

function halfIndex(date: string, isAm: boolean): number {
  return epochDay(date) * 2 + (isAm ? 0 : 1);
}

function checkHalfDays(
  list: z.infer<typeof halfDaySchema>[] | null | undefined,
  from: number,
  to: number,
  ctx: z.RefinementCtx,
): void {
  if (list == null) return;
  if (list.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['halfDays'],
      message: 'must list at least one half-day (use null to cover every half-day from start to end)',
    });
    return;
  }
  const seen = new Set<number>();
  list.forEach((h, i) => {
    if (!isCalendarDate(h.date)) return;
    const at = halfIndex(h.date, h.isAm);
    if (at < from || at > to) {
      ctx.addIssue({ code: 'custom', path: ['halfDays', i], message: 'half-day lies outside start..end' });
    } else if (seen.has(at)) {
      ctx.addIssue({ code: 'custom', path: ['halfDays', i], message: 'half-day listed twice' });
    }
    seen.add(at);
  });
}

export const eventEnvelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: eventTypeSchema,
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' }),
  data: z.custom<unknown>((v) => v !== undefined, { message: 'Required' }),
});

/** The data of a subscription test message: the same for every format, each renders it its own way. */
export const testMessageDataSchema = z.object({
  message: text,
  subscriptionId: z.string().min(1).max(100),
});

/** Built by hrhooks only (src/formats/testMessage.ts); producers posting this type are refused at the door. */
export const testEventSchema = eventEnvelopeSchema.extend({
  type: z.literal(TEST_EVENT_TYPE),
  data: testMessageDataSchema,
});

export type ProducerEvent = z.infer<typeof eventEnvelopeSchema>;
export type TestEvent = z.infer<typeof testEventSchema>;
export type HrEvent = ProducerEvent | TestEvent;
export type Absence = z.infer<typeof absenceSchema>;
export type TestMessageData = z.infer<typeof testMessageDataSchema>;

export interface FieldError {
  field: string;
  message: string;
}

export type ParseEventResult = { ok: true; event: HrEvent } | { ok: false; errors: FieldError[] };

/** The field errors of a producer event that claims the reserved test type (answered 422), or none. */
export function reservedTypeErrors(json: unknown): FieldError[] {
  if (!isTestEventType(claimedType(json))) return [];
  return [{ field: 'type', message: `${TEST_EVENT_TYPE} is reserved for subscription test messages (POST /v1/subscriptions/{id}/test)` }];
}

function claimedType(json: unknown): unknown {
  return typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
}

/** Parses a producer event, or a test message built by hrhooks (the gateway refuses the latter from producers first). */
export function parseEvent(json: unknown): ParseEventResult {
  if (isTestEventType(claimedType(json))) {
    const test = testEventSchema.safeParse(json);
    return test.success ? { ok: true, event: test.data } : { ok: false, errors: fieldErrors(test.error.issues, []) };
  }
  const envelope = eventEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, errors: fieldErrors(envelope.error.issues, []) };
  const event = envelope.data;
  if (isLeaveEventType(event.type)) {
    const absence = absenceSchema.safeParse(event.data);
    if (!absence.success) return { ok: false, errors: fieldErrors(absence.error.issues, ['data']) };
  }
  return { ok: true, event };
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): FieldError[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return { field: path === '' ? '(event)' : path, message: issue.message };
  });
}
