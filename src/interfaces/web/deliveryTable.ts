// The deliveries table shared by the to-do list and the search page: one row per delivery, linking to
// its detail, what the event is about, why it failed in words; optionally a selection checkbox and per-row
// action buttons bound to a bulk form (bulkActions.ts). Collapses to cards on a phone. Pure rendering.
import type { DeliverySummary } from '../../infra/db/deliveries';
import { isClosed } from '../../app/deliveries/operatorActions';
import type { DeliveryStatus } from '../../../workflows/definitions';
import { lastErrorAdvice } from './failureAdvice';
import { html, statusBadge, statusCode, timeTag, type SafeHtml } from './layout';

export type DeliveryColumn = 'status' | 'lastError' | 'nextAttempt' | 'failedAt' | 'created';

/** What the delivery's event is about, in words: a main line and a detail line (ids). */
export function subjectOf(d: Pick<DeliverySummary, 'eventType' | 'subject'>): { label: string | null; detail: string | null } {
  const { name, id, number, resourceKey } = d.subject;
  const colon = resourceKey?.indexOf(':') ?? -1;
  const kind = resourceKey && colon > 0 ? resourceKey.slice(0, colon) : null;
  const resourceId = resourceKey && colon > 0 ? resourceKey.slice(colon + 1) : null;
  const person = [id ? `employee ${id}` : null, number && number !== id ? `no. ${number}` : null];
  const join = (parts: (string | null)[]) => parts.filter(Boolean).join(' · ') || null;
  if (kind === 'payrun') {
    const named = name !== null && name !== resourceId;
    const label = !named ? `Pay run ${resourceId}` : /^pay run\b/i.test(name) ? name : `Pay run ${name}`;
    return { label, detail: named && !label.endsWith(` ${resourceId}`) ? `pay run ${resourceId}` : null };
  }
  if (kind === 'absence') return { label: name, detail: join([`absence ${resourceId}`, ...person]) };
  if (name || id) return { label: name, detail: join(person) };
  if (d.eventType === 'hrhooks.test') return { label: null, detail: 'test message' };
  return { label: null, detail: null };
}

export function subjectCell(d: Pick<DeliverySummary, 'eventType' | 'subject'>): SafeHtml {
  const { label, detail } = subjectOf(d);
  if (!label && !detail) return html`<span class="muted">—</span>`;
  return html`${label ? html`<div class="trunc" title="${label}">${label}</div>` : ''}${detail ? html`<div class="muted small trunc" title="${detail}">${detail}</div>` : ''}`;
}

/** An event type that may wrap after its dot ("recurring_deduction.<wbr>updated") instead of being cut. */
function breakable(eventType: string): SafeHtml {
  const dot = eventType.indexOf('.');
  return dot < 0 ? html`${eventType}` : html`${eventType.slice(0, dot + 1)}<wbr>${eventType.slice(dot + 1)}`;
}

function lastErrorCell(d: DeliverySummary): SafeHtml {
  const advice = lastErrorAdvice(d.lastError, d.lastStatusCode);
  if (!advice) return html`<span class="muted">—</span>`;
  return html`<div class="clamp" title="${d.lastError ?? ''}">${advice.why}</div>`;
}

const HEADINGS: Record<DeliveryColumn, string> = {
  status: 'Status',
  lastError: 'Why it failed',
  nextAttempt: 'Next attempt',
  failedAt: 'Failed at',
  created: 'Created',
};

const COLUMN_CLASS: Record<DeliveryColumn, string> = {
  status: 'col-status', lastError: 'col-why', nextAttempt: 'col-time', failedAt: 'col-time', created: 'col-time',
};

function cell(column: DeliveryColumn, d: DeliverySummary): SafeHtml {
  const label = HEADINGS[column];
  switch (column) {
    case 'status':
      return html`<td data-label="${label}" class="col-status">${statusBadge(d.status)}</td>`;
    case 'lastError':
      return html`<td data-label="${label}" class="col-why">${lastErrorCell(d)}</td>`;
    case 'nextAttempt':
      return html`<td data-label="${label}" class="col-time">${timeTag(d.nextAttemptAt)}</td>`;
    case 'failedAt':
      return html`<td data-label="${label}" class="col-time">${timeTag(d.updatedAt)}</td>`;
    case 'created':
      return html`<td data-label="${label}" class="col-time">${timeTag(d.createdAt)}</td>`;
  }
}

/** Statuses an operator can still act on (anything not closed, including statuses this version does not know). */
export const actionable = (status: DeliveryStatus | string): boolean => !isClosed(status as DeliveryStatus);

function selectCell(d: DeliverySummary, form: string): SafeHtml {
  const what = `${d.eventType} → ${d.subscriptionName ?? d.subscriptionId}`;
  return html`<td class="col-select" data-label="Select"><input type="checkbox" name="id" value="${d.id}" form="${form}" aria-label="Select ${what}"${actionable(d.status) ? '' : html` disabled title="already ${d.status}"`}></td>`;
}

function rowButtons(d: DeliverySummary, form: string): SafeHtml {
  if (!actionable(d.status)) return html`<td class="col-actions" data-label="Actions"><span class="muted">—</span></td>`;
  return html`<td class="col-actions" data-label="Actions"><div class="row-buttons">
    <button type="submit" class="btn btn-small" form="${form}" name="row" value="resync:${d.id}">Re-sync</button>
    <button type="submit" class="btn btn-small" form="${form}" name="row" value="markProcessed:${d.id}">Mark processed</button>
  </div></td>`;
}

/** `bulkForm`: the id of the bulk form the checkboxes and row buttons belong to (none, or no row open: a read-only table). */
export function deliveryTable(items: DeliverySummary[], columns: DeliveryColumn[], bulkForm?: string): SafeHtml {
  const selectForm = bulkForm && items.some((d) => actionable(d.status)) ? bulkForm : undefined;
  return html`<div class="table-wrap"><table class="deliveries cards">
    <thead><tr>${selectForm ? html`<th class="col-select"><input type="checkbox" data-select-all aria-label="Select all rows of this table"></th>` : ''}<th class="col-event">Event</th><th class="col-about">About</th><th class="col-sub">Subscription</th>${columns.map((c) => html`<th class="${COLUMN_CLASS[c]}">${HEADINGS[c]}</th>`)}<th class="col-num" title="Attempts">Tries</th><th class="col-num" title="HTTP status of the last attempt">Code</th>${selectForm ? html`<th class="col-actions">Actions</th>` : ''}</tr></thead>
    <tbody>${items.map(
      (d) => html`<tr data-delivery="${d.id}">
        ${selectForm ? selectCell(d, selectForm) : ''}
        <td data-label="Event" class="col-event"><a class="mono" href="/deliveries/${encodeURIComponent(d.id)}" title="${d.eventType} · event ${d.eventId}">${breakable(d.eventType)}</a></td>
        <td data-label="About" class="col-about">${subjectCell(d)}</td>
        <td data-label="Subscription" class="col-sub"><div class="trunc" title="${d.subscriptionName ?? d.subscriptionId}">${d.subscriptionName ?? d.subscriptionId}</div></td>
        ${columns.map((c) => cell(c, d))}
        <td data-label="Tries" class="col-num">${d.attempts}</td>
        <td data-label="Code" class="col-num">${statusCode(d.lastStatusCode)}</td>
        ${selectForm ? rowButtons(d, selectForm) : ''}
      </tr>`,
    )}</tbody>
  </table></div>`;
}
