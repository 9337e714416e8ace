// Delivery search: by status, subscription, event type, date range (UTC days) and one free-text term (a name,
// an employee id or number, an absence or pay-run id, an event or delivery id); keyset-paginated, newest first.
// The results can be selected for the bulk actions (bulkActions.ts). Subscriptions that need attention are named on top.
import { Router, type Request, type RequestHandler } from 'express';
import { CursorError, listDeliveries, type DeliveryFilter } from '../../infra/db/deliveries';
import { listSubscriptions } from '../../infra/db/subscriptions';
import { EVENT_TYPES, type EventType } from '../../domain/events/eventTypes';
import { isStorableInstant } from '../../domain/events/instants';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../workflows/definitions';
import { actionable, deliveryTable } from './deliveryTable';
import { bulkForm } from './bulkActions';
import { attentionBanner, emptyState, html } from './layout';
import { sendPage, sessionOf, type UiDeps } from './respond';

const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_FIELDS = { since: 'From (UTC)', until: 'To (UTC)' } as const;

export interface SearchForm {
  status?: DeliveryStatus;
  subscription?: string;
  eventType?: EventType;
  since?: string;
  until?: string;
  q?: string;
  cursor?: string;
}

function field(req: Request, name: string, max = 200): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined;
}

/** A whole UTC day Postgres can store (a real calendar day, years 0001 to 9999). */
function isDay(value: string): boolean {
  return DAY.test(value) && isStorableInstant(`${value}T00:00:00Z`);
}

/** The date fields given but not a real day, as one sentence naming each (shown instead of results, 400). */
function dayErrors(req: Request): string | null {
  const bad = (Object.keys(DAY_FIELDS) as (keyof typeof DAY_FIELDS)[])
    .map((name) => [name, field(req, name)] as const)
    .filter((entry): entry is readonly [keyof typeof DAY_FIELDS, string] => entry[1] !== undefined && !isDay(entry[1]));
  if (bad.length === 0) return null;
  return bad.map(([name, value]) => `${DAY_FIELDS[name]} (${name}): "${value}" must be a date like 2026-03-01 (a real calendar day).`).join(' ');
}

function readForm(req: Request): SearchForm {
  const status = field(req, 'status');
  const eventType = field(req, 'eventType');
  const since = field(req, 'since');
  const until = field(req, 'until');
  return {
    status: DELIVERY_STATUSES.includes(status as DeliveryStatus) ? (status as DeliveryStatus) : undefined,
    subscription: field(req, 'subscription', 100),
    eventType: (EVENT_TYPES as readonly string[]).includes(eventType ?? '') ? (eventType as EventType) : undefined,
    since: since && isDay(since) ? since : undefined,
    until: until && isDay(until) ? until : undefined,
    q: field(req, 'q'),
    cursor: field(req, 'cursor', 1000),
  };
}

/**
 * The data layer's keyset cursor is "rows strictly before (createdAt, id)"; an `until` day starts the walk
 * just after that day ends, so the first page stops at the end of `until` (UTC).
 */
function untilCursor(day: string): string {
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return Buffer.from(JSON.stringify([end, '']), 'utf8').toString('base64url');
}

export function toFilter(form: SearchForm): DeliveryFilter {
  return {
    status: form.status,
    subscriptionId: form.subscription,
    eventType: form.eventType,
    since: form.since ? `${form.since}T00:00:00Z` : undefined,
    q: form.q,
    limit: PAGE_SIZE,
    cursor: form.cursor ?? (form.until ? untilCursor(form.until) : undefined),
  };
}

function link(form: SearchForm, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, cursor })) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `/deliveries?${qs}` : '/deliveries';
}

export function deliveriesRoutes(deps: UiDeps, chains: { page: RequestHandler[] }): Router {
  const router = Router();
  router.get('/deliveries', ...chains.page, async (req, res) => {
    const form = readForm(req);
    const invalid = dayErrors(req);
    const [subs, found] = await Promise.all([
      listSubscriptions(deps.pool, deps.box),
      invalid ? null : listDeliveries(deps.pool, toFilter(form)).catch((err: unknown) => {
        if (err instanceof CursorError) return null;
        throw err;
      }),
    ]);
    const option = (value: string, label: string, current: string | undefined) =>
      html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
    const body = html`
      <h1>Deliveries</h1>
      ${attentionBanner(subs.filter((s) => s.error))}
      <form class="filters card" method="get" action="/deliveries">
        <label>Status <select name="status">${option('', 'Any', form.status)}${DELIVERY_STATUSES.map((s) => option(s, s, form.status))}</select></label>
        <label>Subscription <select name="subscription">${option('', 'Any', form.subscription)}${subs.map((s) => option(s.id, s.error ? `${s.name} (needs attention)` : s.name, form.subscription))}</select></label>
        <label>Event type <select name="eventType">${option('', 'Any', form.eventType)}${EVENT_TYPES.map((t) => option(t, t, form.eventType))}</select></label>
        <label>From (UTC) <input type="date" name="since" value="${form.since ?? ''}"></label>
        <label>To (UTC) <input type="date" name="until" value="${form.until ?? ''}"></label>
        <label class="search">Search <input type="search" name="q" value="${form.q ?? ''}" placeholder="name, employee / absence / pay-run id, event id" aria-describedby="search-hint"></label>
        <button class="btn btn-primary" type="submit">Search</button>
        <a class="btn" href="/deliveries">Reset</a>
      </form>
      <p class="muted search-hint" id="search-hint">Search finds a person by part of their name, employee id or employee number; an absence or a pay run by its id; a single event or delivery by its id. Dates are whole days in UTC.</p>
      ${invalid
        ? emptyState('Fix the date above to search.')
        : !found
        ? emptyState('That page link is no longer valid; start the search again.')
        : found.items.length === 0
          ? emptyState('No delivery matches this search.')
          : html`${found.items.some((d) => actionable(d.status)) ? bulkForm('bulk-search', sessionOf(res)!.csrf, req.originalUrl) : ''}${deliveryTable(found.items, ['status', 'nextAttempt', 'created'], 'bulk-search')}`}
      <nav class="pager">
        ${form.cursor ? html`<a href="${link({ ...form, cursor: undefined })}">« First page</a>` : ''}
        ${found?.nextCursor ? html`<a href="${link({ ...form, cursor: undefined }, found.nextCursor)}">Next page »</a>` : ''}
      </nav>`;
    if (invalid) sendPage(req, res, { title: 'Deliveries', active: 'deliveries', flash: { kind: 'error', text: invalid } }, body, 400);
    else sendPage(req, res, { title: 'Deliveries', active: 'deliveries' }, body, found ? 200 : 400);
  });
  return router;
}
