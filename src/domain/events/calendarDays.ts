// Calendar arithmetic on YYYY-MM-DD dates as whole UTC days since the epoch, shared by the event schema
// and the formats that count days. Pure: no I/O, no local time zones.
const DAY_MS = 86_400_000;

export function epochDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(0);
  at.setUTCFullYear(y!, m! - 1, d!);
  return Math.round(at.getTime() / DAY_MS);
}

export function dateOfEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
