// The deliveries table shared by the to-do list and the search page: one row per delivery, linking to
// its detail, what the event is about, why it failed in words; optionally a selection checkbox and per-row
// action buttons bound to a bulk form (bulkActions.tsx). Collapses to cards on a phone. Pure components.
import type { DeliverySummary } from '../../app/deliveries/deliveriesList';
import { isClosed } from '../../app/deliveries/operatorActions';
import type { DeliveryStatus } from '../../../workflows/definitions';
import { useCanAct } from './components/acting';
import { StatusBadge, StatusCode } from './components/badges';
import { useManyTenants } from './components/tenantColumn';
import { Time } from './components/Time';
import { lastErrorAdvice } from './failureAdvice';

export type DeliveryColumn = 'status' | 'lastError' | 'nextAttempt' | 'failedAt' | 'created';

type Subjected = Pick<DeliverySummary, 'eventType' | 'subject'>;

/** What the delivery's event is about, in words: a main line and a detail line (ids). */
export function subjectOf(d: Subjected): { label: string | null; detail: string | null } {
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

/** The mark of an empty cell. */
export const Dash = () => <span class="muted">—</span>;

/** The subject on two lines (label, then ids), each cut with an ellipsis and whole on hover. */
export function SubjectCell({ delivery }: { delivery: Subjected }) {
  const { label, detail } = subjectOf(delivery);
  if (!label && !detail) return <Dash />;
  return (
    <>
      {label ? <div class="trunc" title={label}>{label}</div> : null}
      {detail ? <div class="muted small trunc" title={detail}>{detail}</div> : null}
    </>
  );
}

/** An event type that may wrap after its dot ("recurring_deduction.<wbr>updated") instead of being cut. */
function Breakable({ eventType }: { eventType: string }) {
  const dot = eventType.indexOf('.');
  return dot < 0 ? <>{eventType}</> : <>{eventType.slice(0, dot + 1)}<wbr />{eventType.slice(dot + 1)}</>;
}

function LastError({ d }: { d: DeliverySummary }) {
  const advice = lastErrorAdvice(d.lastError, d.lastStatusCode);
  if (!advice) return <Dash />;
  return <div class="clamp" title={d.lastError ?? ''}>{advice.why}</div>;
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

function CellContent({ column, d }: { column: DeliveryColumn; d: DeliverySummary }) {
  switch (column) {
    case 'status':
      return <StatusBadge status={d.status} />;
    case 'lastError':
      return <LastError d={d} />;
    case 'nextAttempt':
      return <Time iso={d.nextAttemptAt} />;
    case 'failedAt':
      return <Time iso={d.updatedAt} />;
    case 'created':
      return <Time iso={d.createdAt} />;
  }
}

/** Statuses an operator can still act on (anything not closed, including statuses this version does not know). */
export const actionable = (status: DeliveryStatus | string): boolean => !isClosed(status as DeliveryStatus);

function SelectCell({ d, form }: { d: DeliverySummary; form: string }) {
  const what = `${d.eventType} → ${d.subscriptionName ?? d.subscriptionId}`;
  const open = actionable(d.status);
  return (
    <td class="col-select" data-label="Select">
      <input type="checkbox" name="id" value={d.id} form={form} aria-label={`Select ${what}`} disabled={!open} title={open ? undefined : `already ${d.status}`} />
    </td>
  );
}

function RowButtons({ d, form }: { d: DeliverySummary; form: string }) {
  if (!actionable(d.status)) return <td class="col-actions" data-label="Actions"><Dash /></td>;
  return (
    <td class="col-actions" data-label="Actions">
      <div class="row-buttons">
        <button type="submit" class="btn btn-small" form={form} name="row" value={`resync:${d.id}`}>Re-sync</button>
        <button type="submit" class="btn btn-small" form={form} name="row" value={`markProcessed:${d.id}`}>Mark processed</button>
      </div>
    </td>
  );
}

function Row({ d, columns, selectForm, tenants }: { d: DeliverySummary; columns: DeliveryColumn[]; selectForm?: string; tenants: boolean }) {
  const subscription = d.subscriptionName ?? d.subscriptionId;
  return (
    <tr data-delivery={d.id}>
      {selectForm ? <SelectCell d={d} form={selectForm} /> : null}
      {tenants ? <td data-label="Tenant" class="col-tenant mono"><a href={`?tenant=${encodeURIComponent(d.tenantId)}`} title="show this tenant only">{d.tenantId}</a></td> : null}
      <td data-label="Event" class="col-event">
        <a class="mono" href={`/deliveries/${encodeURIComponent(d.id)}`} title={`${d.eventType} · event ${d.eventId}`}><Breakable eventType={d.eventType} /></a>
      </td>
      <td data-label="About" class="col-about"><SubjectCell delivery={d} /></td>
      <td data-label="Subscription" class="col-sub"><div class="trunc" title={subscription}>{subscription}</div></td>
      {columns.map((c) => <td data-label={HEADINGS[c]} class={COLUMN_CLASS[c]}><CellContent column={c} d={d} /></td>)}
      <td data-label="Tries" class="col-num">{d.attempts}</td>
      <td data-label="Code" class="col-num"><StatusCode code={d.lastStatusCode} /></td>
      {selectForm ? <RowButtons d={d} form={selectForm} /> : null}
    </tr>
  );
}

export interface DeliveryTableProps {
  items: DeliverySummary[];
  columns: DeliveryColumn[];
  /** The id of the bulk form the checkboxes and row buttons belong to (none, or no row open: a read-only table). */
  bulkForm?: string;
}

export function DeliveryTable({ items, columns, bulkForm }: DeliveryTableProps) {
  const selectForm = bulkForm && useCanAct() && items.some((d) => actionable(d.status)) ? bulkForm : undefined;
  const tenants = useManyTenants();
  return (
    <div class="table-wrap">
      <table class="deliveries cards">
        <thead>
          <tr>
            {selectForm ? <th class="col-select"><input type="checkbox" data-select-all aria-label="Select all rows of this table" /></th> : null}
            {tenants ? <th class="col-tenant">Tenant</th> : null}
            <th class="col-event">Event</th><th class="col-about">About</th><th class="col-sub">Subscription</th>
            {columns.map((c) => <th class={COLUMN_CLASS[c]}>{HEADINGS[c]}</th>)}
            <th class="col-num" title="Attempts">Tries</th><th class="col-num" title="HTTP status of the last attempt">Code</th>
            {selectForm ? <th class="col-actions">Actions</th> : null}
          </tr>
        </thead>
        <tbody>{items.map((d) => <Row d={d} columns={columns} selectForm={selectForm} tenants={tenants} />)}</tbody>
      </table>
    </div>
  );
}
