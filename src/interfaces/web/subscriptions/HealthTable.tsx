// Subscription health as the web interface shows it: the sortable table on the subscriptions page (worst first
// by default; sorting is a link, so it works without script), and the figures on a subscription's own page.
// Every figure is also in a data-* attribute of its row or term, for tests and scripts. Pure components.
import type { ComponentChildren } from 'preact';
import { byWorstFirst, DEGRADED_RATE, FAILING_STREAK, type HealthLevel, type SubscriptionHealth } from '../../../app/readModels/subscriptionHealth';
import { Sparkline } from '../components/Charts';
import { countText, msText, rateText } from '../components/figures';
import { Time } from '../components/Time';

export const HEALTH_SORT_KEYS = ['health', 'name', 'success24h', 'success7d', 'p95', 'lastSuccess', 'streak', 'open'] as const;
export type HealthSortKey = (typeof HEALTH_SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export interface HealthSort { key: HealthSortKey; dir: SortDir }

interface Column {
  key: HealthSortKey;
  label: string;
  /** The direction a first click sorts in: the worst end first. */
  worstFirst: SortDir;
  value: (h: SubscriptionHealth) => number | string | null;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Subscription', worstFirst: 'asc', value: (h) => h.name.toLowerCase() },
  { key: 'health', label: 'Health', worstFirst: 'asc', value: () => 0 },
  { key: 'success24h', label: 'Success 24 h', worstFirst: 'asc', value: (h) => h.successRate24h },
  { key: 'success7d', label: 'Success 7 d', worstFirst: 'asc', value: (h) => h.successRate7d },
  { key: 'p95', label: 'p95 latency', worstFirst: 'desc', value: (h) => h.p95LatencyMs24h },
  { key: 'lastSuccess', label: 'Last success', worstFirst: 'asc', value: (h) => h.lastSuccessAt },
  { key: 'streak', label: 'Failing streak', worstFirst: 'desc', value: (h) => h.consecutiveFailures },
  { key: 'open', label: 'Open', worstFirst: 'desc', value: (h) => h.openDeliveries },
];

export const DEFAULT_HEALTH_SORT: HealthSort = { key: 'health', dir: 'asc' };

/** ?sort=&dir= from a query string; anything unknown falls back to worst first. */
export function parseHealthSort(query: Record<string, unknown>): HealthSort {
  const key = HEALTH_SORT_KEYS.find((k) => k === query.sort);
  if (!key) return DEFAULT_HEALTH_SORT;
  const column = COLUMNS.find((c) => c.key === key)!;
  return { key, dir: query.dir === 'asc' || query.dir === 'desc' ? query.dir : column.worstFirst };
}

/** Sorted by the column (figures missing, e.g. no attempt yet, always last), ties worst first. */
export function sortHealth(list: SubscriptionHealth[], sort: HealthSort): SubscriptionHealth[] {
  const column = COLUMNS.find((c) => c.key === sort.key)!;
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    if (sort.key === 'health') return sign * byWorstFirst(a, b);
    const [x, y] = [column.value(a), column.value(b)];
    if (x === null || y === null) return x === y ? byWorstFirst(a, b) : x === null ? 1 : -1;
    return (x < y ? -sign : x > y ? sign : 0) || byWorstFirst(a, b);
  });
}

const LEVEL_TEXT: Record<HealthLevel, string> = {
  paused: 'paused by the circuit breaker: its deliveries wait, a probe is sent on a backing-off schedule',
  failing: `failing: ${FAILING_STREAK}+ failed attempts in a row, or none succeeded in 24 h`,
  degraded: `degraded: some attempts fail (under ${DEGRADED_RATE * 100} % in 24 h), or failed deliveries wait`,
  healthy: 'healthy: attempts succeed',
  idle: 'idle: no attempt in 7 days',
};

export function HealthBadge({ level }: { level: HealthLevel }) {
  return <span class={`badge health-${level}`} title={LEVEL_TEXT[level]}>{level}</span>;
}

function HealthSparkline({ h }: { h: SubscriptionHealth }) {
  const failures = h.sparkline.reduce((n, b) => n + b.failures, 0);
  const all = h.sparkline.reduce((n, b) => n + b.successes + b.failures, 0);
  return (
    <Sparkline label={`Last 7 days, in 6-hour steps: ${countText(all)} attempts, ${countText(failures)} failed`}
      slots={h.sparkline.map((b) => ({ start: b.start, good: b.successes, bad: b.failures }))} />
  );
}

function Streak({ h }: { h: SubscriptionHealth }) {
  if (h.consecutiveFailures === 0) return <span class="muted">0</span>;
  return <><strong class="bad">{countText(h.consecutiveFailures)}</strong>{h.failingSince ? <div class="muted small">since <Time iso={h.failingSince} /></div> : null}</>;
}

function Open({ h }: { h: SubscriptionHealth }) {
  const list = `/deliveries?subscription=${encodeURIComponent(h.subscriptionId)}`;
  return (
    <>{countText(h.openDeliveries)}{h.failedDeliveries
      ? <div class="small"><a class="bad" href={`${list}&status=failed`}>{countText(h.failedDeliveries)} failed</a></div>
      : null}</>
  );
}

function SortHeader({ column, sort, path }: { column: Column; sort: HealthSort; path: string }) {
  const active = sort.key === column.key;
  const dir: SortDir = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : column.worstFirst;
  const arrow = active ? (sort.dir === 'asc' ? '▲' : '▼') : '';
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} data-sort-key={column.key}>
      <a href={`${path}?sort=${column.key}&dir=${dir}#health`} title={`Sort by ${column.label.toLowerCase()}`}>{column.label}{arrow ? <> <span aria-hidden="true">{arrow}</span></> : null}</a>
    </th>
  );
}

function HealthRow({ h }: { h: SubscriptionHealth }) {
  return (
    <tr data-subscription-id={h.subscriptionId} data-level={h.level} data-success-24h={h.successRate24h ?? ''}
      data-success-7d={h.successRate7d ?? ''} data-attempts-24h={h.attempts24h} data-attempts-7d={h.attempts7d}
      data-p95-ms={h.p95LatencyMs24h ?? ''} data-last-success={h.lastSuccessAt ?? ''} data-streak={h.consecutiveFailures}
      data-open={h.openDeliveries} data-failed={h.failedDeliveries}>
      {'\n'}<td><a href={`/subscriptions/${encodeURIComponent(h.subscriptionId)}`}><strong>{h.name}</strong></a>{h.enabled ? null : <> <span class="badge badge-disabled">disabled</span></>}</td>
      {'\n'}<td><HealthBadge level={h.level} /></td>
      {'\n'}<td class="num" title={`${countText(h.successes24h)} of ${countText(h.attempts24h)} attempts`}>{rateText(h.successRate24h)}</td>
      {'\n'}<td class="num" title={`${countText(h.successes7d)} of ${countText(h.attempts7d)} attempts`}>{rateText(h.successRate7d)}</td>
      {'\n'}<td class="num">{msText(h.p95LatencyMs24h)}</td>
      {'\n'}<td>{h.lastSuccessAt ? <Time iso={h.lastSuccessAt} /> : <span class="muted">never</span>}</td>
      {'\n'}<td class="num"><Streak h={h} /></td>
      {'\n'}<td class="num"><Open h={h} /></td>
      {'\n'}<td class="spark"><HealthSparkline h={h} /></td>
    </tr>
  );
}

/** Sorting where the column headers are hidden (phones: the table shows as cards); each key sorts worst first. */
function SortForm({ sort, path }: { sort: HealthSort; path: string }) {
  return (
    <form class="health-sort filters" method="get" action={`${path}#health`}>
      <label>Sort by <select name="sort">{COLUMNS.map((c) => <option value={c.key} selected={c.key === sort.key}>{c.label}, worst first</option>)}</select></label>
      <button class="btn" type="submit">Sort</button>
    </form>
  );
}

/** The health of every subscription, sorted; column headers re-sort (links to `path`). Nothing without subscriptions. */
export function HealthTable({ list, sort, path = '/subscriptions' }: { list: SubscriptionHealth[]; sort: Partial<HealthSort>; path?: string }) {
  const s: HealthSort = { ...DEFAULT_HEALTH_SORT, ...sort };
  if (list.length === 0) return null;
  return (
    <section class="health" id="health" aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <p class="muted small">Success: share of attempts the receiver accepted (2xx). p95: 95th percentile of the response time over 24 h.
        Failing streak: failed attempts since the last success. Open: deliveries not closed yet. Sparkline: attempts over 7 days, failures in red.</p>
      <SortForm sort={s} path={path} />
      <div class="table-wrap"><table class="health-table cards" id="health-table" data-sort={s.key} data-dir={s.dir}>
        <thead><tr>{COLUMNS.map((c) => <SortHeader column={c} sort={s} path={path} />)}<th scope="col">7 days</th></tr></thead>
        <tbody>{sortHealth(list, s).map((h) => <HealthRow h={h} />)}</tbody>
      </table></div>
    </section>
  );
}

function Fact({ name, label, data, children }: { name: string; label: string; data: string | number | null; children: ComponentChildren }) {
  return <>{'\n'}<dt>{label}</dt><dd data-figure={name} data-value={data ?? ''}>{children}</dd></>;
}

/** A subscription's figures as a definition list, for its own page. */
export function HealthFacts({ h }: { h: SubscriptionHealth }) {
  return (
    <section class="card health-card" id="health" data-subscription-id={h.subscriptionId} data-level={h.level} aria-labelledby="health-heading">
      <h2 id="health-heading">Health <HealthBadge level={h.level} /></h2>
      <dl class="facts">
        <Fact name="success24h" label="Success, 24 h" data={h.successRate24h}>{`${rateText(h.successRate24h)} (${countText(h.successes24h)} of ${countText(h.attempts24h)} attempts)`}</Fact>
        <Fact name="success7d" label="Success, 7 days" data={h.successRate7d}>{`${rateText(h.successRate7d)} (${countText(h.successes7d)} of ${countText(h.attempts7d)} attempts)`}</Fact>
        <Fact name="p95" label="p95 latency, 24 h" data={h.p95LatencyMs24h}>{msText(h.p95LatencyMs24h)}</Fact>
        <Fact name="lastSuccess" label="Last success" data={h.lastSuccessAt}>{h.lastSuccessAt ? <Time iso={h.lastSuccessAt} /> : 'never'}</Fact>
        <Fact name="streak" label="Failing streak" data={h.consecutiveFailures}><Streak h={h} /></Fact>
        <Fact name="open" label="Open deliveries" data={h.openDeliveries}><Open h={h} /></Fact>
        <Fact name="failed" label="Failed, waiting for you" data={h.failedDeliveries}>{countText(h.failedDeliveries)}</Fact>
        {'\n'}<dt>7 days</dt><dd><HealthSparkline h={h} /></dd>
      </dl>
    </section>
  );
}
