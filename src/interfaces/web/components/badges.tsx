// Small status marks every page shows: a delivery's status, an HTTP answer's code, a row that needs attention.
// Pure components (no I/O); the colours live in the stylesheet under the same class names.
import type { DeliveryStatus } from '../../../../workflows/definitions';

export function StatusBadge({ status }: { status: DeliveryStatus | string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/** A receiver's HTTP status code, green for 2xx, red otherwise; a dash when there was no answer. */
export function StatusCode({ code }: { code: number | null | undefined }) {
  if (code === null || code === undefined) return <span class="muted">—</span>;
  const tone = code >= 200 && code < 300 ? 'ok' : 'bad';
  return <span class={`code code-${tone}`}>{code}</span>;
}

/** The error badge of a row that cannot be shown or used fully; the reason is in its title and beside it. */
export function ProblemBadge({ reason }: { reason: string }) {
  return <span class="badge badge-error" title={reason}>needs attention</span>;
}
