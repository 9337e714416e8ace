// The one rule for a date-time taken from outside (an event's occurredAt, a `since` filter, a page cursor):
// ISO 8601 that Postgres timestamptz stores exactly as written (years 0001–9999, offsets within ±15:59).
// JavaScript's Date.parse is not that rule: it accepts year 0000, 2026-02-30 and +23:00. Pure: no I/O.
import { z } from 'zod';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const MAX_OFFSET_HOURS = 15;

function daysInMonth(year: number, month: number): number {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0);
  return lastDay.getUTCDate();
}

/** True when Postgres stores `text` as the instant it says (the 'T' or a space between date and time). */
export function isStorableInstant(text: string): boolean {
  const m = INSTANT.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = m[8] === undefined ? 0 : Number(m[8]);
  const offsetMinutes = m[9] === undefined ? 0 : Number(m[9]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= MAX_OFFSET_HOURS && offsetMinutes <= 59;
}

export const INSTANT_EXAMPLE = '2026-03-01T09:00:00Z';
export const INSTANT_MESSAGE = `must be a date-time like ${INSTANT_EXAMPLE} or 2026-03-01T10:00:00+01:00 (years 0001 to 9999, offset within ±15:59)`;

/** An ISO 8601 date-time with Z or an offset, that Postgres stores as given. */
export const instantSchema = z.iso
  .datetime({ offset: true, abort: true, error: (issue) => (issue.input === undefined ? undefined : INSTANT_MESSAGE) })
  .refine(isStorableInstant, { error: INSTANT_MESSAGE });
