// The absence (leave request) every leave.* event carries as its data (SPEC §2), with its own rules: start
// before end, at most MAX_ABSENCE_DAYS days, half-days inside the range and listed once. Pure: no I/O.
import { z } from 'zod';
import { dateOfEpochDay, epochDay } from './calendarDays';
import { identifier } from './identifier';
import { unlessMissing } from './issueMessages';

export const MAX_ABSENCE_DAYS = 366;
export const MAX_HALF_DAYS = 2 * MAX_ABSENCE_DAYS;

const text = z.string().max(1000);
const calendarDate = z.iso.date({ error: unlessMissing('must be a date like 2026-03-01 (a real calendar day)') });
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
