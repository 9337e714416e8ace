// How the dashboard and health figures read as text: rates, latencies, counts, UTC bucket labels. Pure: no I/O.

/** 0.9996 reads 99.9 % (never rounded up to a perfect 100 %); null reads —. */
export function rateText(rate: number | null): string {
  if (rate === null) return '—';
  return `${(Math.floor(rate * 1000) / 10).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`;
}

export function msText(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Short axis form: 250 ms → 250ms, 1500 → 1.5s. */
export function msAxis(ms: number): string {
  if (ms === 0) return '0';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number) => String(n).padStart(2, '0');

/** "14:00" (UTC). */
export function hourLabel(iso: string): string {
  return `${two(new Date(iso).getUTCHours())}:00`;
}

/** "25 Nov" (UTC). */
export function dayLabel(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "Wed 25 Nov 14:00–15:00 UTC" for an hour bucket, "Wed 25 Nov 2026 (UTC)" for a day. */
export function bucketText(iso: string, unit: 'hour' | 'day'): string {
  const d = new Date(iso);
  const day = `${DAYS[d.getUTCDay()]} ${dayLabel(iso)}`;
  if (unit === 'day') return `${day} ${d.getUTCFullYear()} (UTC)`;
  return `${day} ${hourLabel(iso)}–${two((d.getUTCHours() + 1) % 24)}:00 UTC`;
}
