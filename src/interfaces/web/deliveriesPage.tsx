// Delivery search: by status, subscription, event type, date range (UTC days) and one free-text term (a name,
// an employee id or number, an absence or pay-run id, an event or delivery id); keyset-paginated, newest first
// (the read model: app/deliveries/deliveriesList.ts). The results can be selected for the bulk actions
// (bulkActions.tsx). Subscriptions that need attention are named on top.
import { Router, type Request, type RequestHandler } from 'express';
import { deliverySearch, type DeliveriesPage as ResultPage, type DeliverySearch, type SubscriptionChoice } from '../../app/deliveries/deliveriesList';
import { EVENT_TYPES, type EventType } from '../../domain/events/eventTypes';
import { isStorableInstant } from '../../domain/events/instants';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../workflows/definitions';
import { IfCanAct } from './components/acting';
import { AttentionBanner, EmptyState } from './components/notices';
import { BulkForm } from './bulkActions';
import { actionable, DeliveryTable } from './deliveryTable';
import { inScope, sendPage, sessionOf, type UiDeps } from './respond';

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

export function toSearch(form: SearchForm): DeliverySearch {
  return {
    status: form.status,
    subscriptionId: form.subscription,
    eventType: form.eventType,
    since: form.since ? `${form.since}T00:00:00Z` : undefined,
    until: form.until,
    q: form.q,
    limit: PAGE_SIZE,
    cursor: form.cursor,
  };
}

function link(form: SearchForm, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, cursor })) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `/deliveries?${qs}` : '/deliveries';
}

function Options({ values, current }: { values: { value: string; label: string }[]; current: string | undefined }) {
  return <>{[{ value: '', label: 'Any' }, ...values].map((o) => <option value={o.value} selected={o.value === (current ?? '')}>{o.label}</option>)}</>;
}

function Filters({ form, subscriptions }: { form: SearchForm; subscriptions: SubscriptionChoice[] }) {
  const plain = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));
  const subs = subscriptions.map((s) => ({ value: s.id, label: s.error ? `${s.name} (needs attention)` : s.name }));
  return (
    <form class="filters card" method="get" action="/deliveries">
      <label>Status <select name="status"><Options values={plain(DELIVERY_STATUSES)} current={form.status} /></select></label>
      <label>Subscription <select name="subscription"><Options values={subs} current={form.subscription} /></select></label>
      <label>Event type <select name="eventType"><Options values={plain(EVENT_TYPES)} current={form.eventType} /></select></label>
      <label>From (UTC) <input type="date" name="since" value={form.since ?? ''} /></label>
      <label>To (UTC) <input type="date" name="until" value={form.until ?? ''} /></label>
      <label class="search">Search <input type="search" name="q" value={form.q ?? ''} placeholder="name, employee / absence / pay-run id, event id" aria-describedby="search-hint" /></label>
      <button class="btn btn-primary" type="submit">Search</button>
      <a class="btn" href="/deliveries">Reset</a>
    </form>
  );
}

interface ResultsProps {
  invalid: boolean;
  found: ResultPage | null;
  csrf: string;
  back: string;
}

function Results({ invalid, found, csrf, back }: ResultsProps) {
  if (invalid) return <EmptyState text="Fix the date above to search." />;
  if (!found) return <EmptyState text="That page link is no longer valid; start the search again." />;
  if (found.items.length === 0) return <EmptyState text="No delivery matches this search." />;
  return (
    <>
      {found.items.some((d) => actionable(d.status)) ? <IfCanAct><BulkForm id="bulk-search" csrf={csrf} back={back} /></IfCanAct> : null}
      <DeliveryTable items={found.items} columns={['status', 'nextAttempt', 'created']} bulkForm="bulk-search" />
    </>
  );
}

function Pager({ form, nextCursor }: { form: SearchForm; nextCursor: string | null | undefined }) {
  const first = { ...form, cursor: undefined };
  return (
    <nav class="pager">
      {form.cursor ? <a href={link(first)}>« First page</a> : null}
      {nextCursor ? <a href={link(first, nextCursor)}>Next page »</a> : null}
    </nav>
  );
}

interface DeliveriesPageProps extends Omit<ResultsProps, 'invalid'> {
  form: SearchForm;
  subscriptions: SubscriptionChoice[];
  invalid: string | null;
}

export function DeliveriesPage({ form, subscriptions, invalid, found, csrf, back }: DeliveriesPageProps) {
  return (
    <>
      <h1>Deliveries</h1>
      <AttentionBanner broken={subscriptions.filter((s) => s.error)} />
      <Filters form={form} subscriptions={subscriptions} />
      <p class="muted search-hint" id="search-hint">Search finds a person by part of their name, employee id or employee number; an absence or a pay run by its id; a single event or delivery by its id. Dates are whole days in UTC.</p>
      <Results invalid={invalid !== null} found={found} csrf={csrf} back={back} />
      <Pager form={form} nextCursor={found?.nextCursor} />
    </>
  );
}

export function deliveriesRoutes(deps: UiDeps, chains: { page: RequestHandler[] }): Router {
  const router = Router();
  router.get('/deliveries', ...chains.page, async (req, res) => {
    const form = readForm(req);
    const invalid = dayErrors(req);
    const { subscriptions, page: found } = await deliverySearch(inScope(deps, res), invalid ? null : toSearch(form));
    const body = <DeliveriesPage form={form} subscriptions={subscriptions} invalid={invalid} found={found} csrf={sessionOf(res)!.csrf} back={req.originalUrl} />;
    const frame = { title: 'Deliveries', active: 'deliveries' as const };
    if (invalid) sendPage(req, res, { ...frame, flash: { kind: 'error', text: invalid } }, body, 400);
    else sendPage(req, res, frame, body, found ? 200 : 400);
  });
  return router;
}
