// The lucca format's half-day leaves (SPEC §4.1): expands an absence, with UTC calendar arithmetic on YYYY-MM-DD.
// No I/O, no local time zones. Hours accounts: durationInHours is split in hundredths of an hour evenly
// over the leaves; when it does not divide, the earliest leaves carry one extra hundredth, so the leaves
// always sum to the absence's total (rounded to 2 decimals) and differ from each other by at most 0.01.
import { dateOfEpochDay, epochDay } from '../../events/calendarDays';
import type { Absence } from '../../events/schema';

export interface Leave {
  id: string;
  date: string;
  isAm: boolean;
  owner: { id: Absence['id']; name: string; email: string; employeeNumber: string | null };
  leaveAccount: { id: Absence['id']; name: string; categoryId: Absence['id'] | null; categoryName: string | null };
  durationInHours?: number;
  isConfirmed: boolean;
  confirmationDate: string;
  isCancelled: boolean;
  cancellationDate: string;
  creationDate: string;
}

interface HalfDay {
  date: string;
  isAm: boolean;
}

export function expandHalfDays(absence: Absence): Leave[] {
  const halves = absence.halfDays ? sortHalfDays(absence.halfDays) : calendarHalfDays(absence);
  const hours = absence.leaveAccount.unit === 'hours' ? splitHours(absence.durationInHours ?? 0, halves.length) : null;
  return halves.map((h, i) => toLeave(absence, h, hours?.[i]));
}

function calendarHalfDays(absence: Absence): HalfDay[] {
  const first = epochDay(absence.start.date);
  const last = epochDay(absence.end.date);
  const halves: HalfDay[] = [];
  for (let day = first; day <= last; day++) {
    const date = dateOfEpochDay(day);
    if (!(day === first && absence.start.half === 'PM')) halves.push({ date, isAm: true });
    if (!(day === last && absence.end.half === 'AM')) halves.push({ date, isAm: false });
  }
  return halves;
}

function sortHalfDays(list: readonly HalfDay[]): HalfDay[] {
  return list
    .map((h) => ({ date: h.date, isAm: h.isAm }))
    .sort((a, b) => (a.date === b.date ? Number(b.isAm) - Number(a.isAm) : a.date < b.date ? -1 : 1));
}

export function splitHours(total: number, count: number): number[] {
  if (count === 0) return [];
  const hundredths = Math.round(total * 100);
  const base = Math.floor(hundredths / count);
  const extra = hundredths - base * count;
  return Array.from({ length: count }, (_, i) => (base + (i < extra ? 1 : 0)) / 100);
}

function toLeave(absence: Absence, h: HalfDay, hours: number | undefined): Leave {
  const { owner, leaveAccount: account } = absence;
  return {
    id: `${absence.id}-${h.date.replaceAll('-', '')}-${h.isAm ? 'AM' : 'PM'}`,
    date: h.date,
    isAm: h.isAm,
    owner: { id: owner.id, name: owner.name, email: owner.email, employeeNumber: owner.employeeNumber ?? null },
    leaveAccount: {
      id: account.id,
      name: account.name,
      categoryId: account.categoryId ?? null,
      categoryName: account.categoryName ?? null,
    },
    ...(hours === undefined ? {} : { durationInHours: hours }),
    isConfirmed: absence.isConfirmed,
    confirmationDate: absence.confirmationDate ?? '',
    isCancelled: absence.isCancelled,
    cancellationDate: absence.cancellationDate ?? '',
    creationDate: absence.creationDate ?? '',
  };
}
