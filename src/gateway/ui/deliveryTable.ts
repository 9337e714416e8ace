// The deliveries table shared by the to-do list and the search page: one row per delivery, linking to
// its detail. Pure rendering.
import type { DeliverySummary } from '../../db/deliveries';
import { html, statusBadge, statusCode, timeTag, type SafeHtml } from './layout';

export type DeliveryColumn = 'status' | 'lastError' | 'nextAttempt' | 'failedAt' | 'created';

function subject(d: DeliverySummary): SafeHtml {
  if (!d.subject.name && !d.subject.id) return html`<span class="muted">—</span>`;
  return html`${d.subject.name ?? ''}${d.subject.id ? html` <span class="muted mono">#${d.subject.id}</span>` : ''}`;
}

function cell(column: DeliveryColumn, d: DeliverySummary): SafeHtml {
  switch (column) {
    case 'status':
      return html`<td>${statusBadge(d.status)}</td>`;
    case 'lastError':
      return html`<td>${d.lastError ? d.lastError.slice(0, 140) : html`<span class="muted">—</span>`}</td>`;
    case 'nextAttempt':
      return html`<td class="nowrap">${timeTag(d.nextAttemptAt)}</td>`;
    case 'failedAt':
      return html`<td class="nowrap">${timeTag(d.updatedAt)}</td>`;
    case 'created':
      return html`<td class="nowrap">${timeTag(d.createdAt)}</td>`;
  }
}

const HEADINGS: Record<DeliveryColumn, string> = {
  status: 'Status',
  lastError: 'Last error',
  nextAttempt: 'Next attempt',
  failedAt: 'Failed at',
  created: 'Created',
};

export function deliveryTable(items: DeliverySummary[], columns: DeliveryColumn[]): SafeHtml {
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Event</th><th>Employee / owner</th><th>Subscription</th>${columns.map((c) => html`<th>${HEADINGS[c]}</th>`)}<th>Attempts</th><th>Last code</th></tr></thead>
    <tbody>${items.map(
      (d) => html`<tr>
        <td><a class="mono" href="/deliveries/${encodeURIComponent(d.id)}">${d.eventType}</a></td>
        <td>${subject(d)}</td>
        <td>${d.subscriptionName ?? d.subscriptionId}</td>
        ${columns.map((c) => cell(c, d))}
        <td>${d.attempts}</td>
        <td>${statusCode(d.lastStatusCode)}</td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}
