// Subscription health as the web interface shows it: the sortable table on the subscriptions page (worst first
// by default; sorting is a link, so it works without script), and the figures on a subscription's own page.
// Every figure is also in a data-* attribute of its row or term, for tests and scripts. Pure: no I/O.
import { byWorstFirst, DEGRADED_RATE, FAILING_STREAK, type HealthLevel, type SubscriptionHealth } from '../../app/readModels/subscriptionHealth';
import { sparkline } from './charts';
import { countText, msText, rateText } from './figures';
import { html, timeTag, type SafeHtml } from './layout';

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

export function healthBadge(level: HealthLevel): SafeHtml {
  return html`<span class="badge health-${level}" title="${LEVEL_TEXT[level]}">${level}</span>`;
}

function healthSparkline(h: SubscriptionHealth): SafeHtml {
  const failures = h.sparkline.reduce((n, b) => n + b.failures, 0);
  const all = h.sparkline.reduce((n, b) => n + b.successes + b.failures, 0);
  return sparkline(
    `Last 7 days, in 6-hour steps: ${countText(all)} attempts, ${countText(failures)} failed`,
    h.sparkline.map((b) => ({ start: b.start, good: b.successes, bad: b.failures })),
  );
}

function streakText(h: SubscriptionHealth): SafeHtml {
  if (h.consecutiveFailures === 0) return html`<span class="muted">0</span>`;
  return html`<strong class="bad">${countText(h.consecutiveFailures)}</strong>${h.failingSince ? html`<div class="muted small">since ${timeTag(h.failingSince)}</div>` : ''}`;
}

function openText(h: SubscriptionHealth): SafeHtml {
  const list = `/deliveries?subscription=${encodeURIComponent(h.subscriptionId)}`;
  return html`${countText(h.openDeliveries)}${h.failedDeliveries
    ? html`<div class="small"><a class="bad" href="${list}&amp;status=failed">${countText(h.failedDeliveries)} failed</a></div>`
    : ''}`;
}

function sortLink(column: Column, sort: HealthSort, path: string): SafeHtml {
  const active = sort.key === column.key;
  const dir: SortDir = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : column.worstFirst;
  const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = active ? (sort.dir === 'asc' ? '▲' : '▼') : '';
  return html`<th scope="col" aria-sort="${ariaSort}" data-sort-key="${column.key}"><a href="${path}?sort=${column.key}&amp;dir=${dir}#health" title="Sort by ${column.label.toLowerCase()}">${column.label}${arrow ? html` <span aria-hidden="true">${arrow}</span>` : ''}</a></th>`;
}

function healthRow(h: SubscriptionHealth): SafeHtml {
  return html`<tr data-subscription-id="${h.subscriptionId}" data-level="${h.level}" data-success-24h="${h.successRate24h ?? ''}"
      data-success-7d="${h.successRate7d ?? ''}" data-attempts-24h="${h.attempts24h}" data-attempts-7d="${h.attempts7d}"
      data-p95-ms="${h.p95LatencyMs24h ?? ''}" data-last-success="${h.lastSuccessAt ?? ''}" data-streak="${h.consecutiveFailures}"
      data-open="${h.openDeliveries}" data-failed="${h.failedDeliveries}">
    <td><a href="/subscriptions/${encodeURIComponent(h.subscriptionId)}"><strong>${h.name}</strong></a>${h.enabled ? '' : html` <span class="badge badge-disabled">disabled</span>`}</td>
    <td>${healthBadge(h.level)}</td>
    <td class="num" title="${countText(h.successes24h)} of ${countText(h.attempts24h)} attempts">${rateText(h.successRate24h)}</td>
    <td class="num" title="${countText(h.successes7d)} of ${countText(h.attempts7d)} attempts">${rateText(h.successRate7d)}</td>
    <td class="num">${msText(h.p95LatencyMs24h)}</td>
    <td>${h.lastSuccessAt ? timeTag(h.lastSuccessAt) : html`<span class="muted">never</span>`}</td>
    <td class="num">${streakText(h)}</td>
    <td class="num">${openText(h)}</td>
    <td class="spark">${healthSparkline(h)}</td>
  </tr>`;
}

/** Sorting where the column headers are hidden (phones: the table shows as cards); each key sorts worst first. */
function sortForm(s: HealthSort, path: string): SafeHtml {
  return html`<form class="health-sort filters" method="get" action="${path}#health">
    <label>Sort by <select name="sort">${COLUMNS.map((c) => html`<option value="${c.key}"${c.key === s.key ? html` selected` : ''}>${c.label}, worst first</option>`)}</select></label>
    <button class="btn" type="submit">Sort</button>
  </form>`;
}

/** The health of every subscription, sorted; column headers re-sort (links to `path`). Nothing without subscriptions. */
export function healthTable(list: SubscriptionHealth[], sort: Partial<HealthSort>, path = '/subscriptions'): SafeHtml {
  const s: HealthSort = { ...DEFAULT_HEALTH_SORT, ...sort };
  if (list.length === 0) return html``;
  return html`<section class="health" id="health" aria-labelledby="health-heading">
    <h2 id="health-heading">Health</h2>
    <p class="muted small">Success: share of attempts the receiver accepted (2xx). p95: 95th percentile of the response time over 24 h.
      Failing streak: failed attempts since the last success. Open: deliveries not closed yet. Sparkline: attempts over 7 days, failures in red.</p>
    ${sortForm(s, path)}
    <div class="table-wrap"><table class="health-table cards" id="health-table" data-sort="${s.key}" data-dir="${s.dir}">
      <thead><tr>${COLUMNS.map((c) => sortLink(c, s, path))}<th scope="col">7 days</th></tr></thead>
      <tbody>${sortHealth(list, s).map(healthRow)}</tbody>
    </table></div>
  </section>`;
}

/** A subscription's figures as a definition list, for its own page. */
export function healthFacts(h: SubscriptionHealth): SafeHtml {
  const fact = (key: string, label: string, value: SafeHtml | string, data: string | number | null) =>
    html`<dt>${label}</dt><dd data-figure="${key}" data-value="${data ?? ''}">${value}</dd>`;
  return html`<section class="card health-card" id="health" data-subscription-id="${h.subscriptionId}" data-level="${h.level}" aria-labelledby="health-heading">
    <h2 id="health-heading">Health ${healthBadge(h.level)}</h2>
    <dl class="facts">
      ${fact('success24h', 'Success, 24 h', `${rateText(h.successRate24h)} (${countText(h.successes24h)} of ${countText(h.attempts24h)} attempts)`, h.successRate24h)}
      ${fact('success7d', 'Success, 7 days', `${rateText(h.successRate7d)} (${countText(h.successes7d)} of ${countText(h.attempts7d)} attempts)`, h.successRate7d)}
      ${fact('p95', 'p95 latency, 24 h', msText(h.p95LatencyMs24h), h.p95LatencyMs24h)}
      ${fact('lastSuccess', 'Last success', h.lastSuccessAt ? timeTag(h.lastSuccessAt) : 'never', h.lastSuccessAt)}
      ${fact('streak', 'Failing streak', streakText(h), h.consecutiveFailures)}
      ${fact('open', 'Open deliveries', openText(h), h.openDeliveries)}
      ${fact('failed', 'Failed, waiting for you', countText(h.failedDeliveries), h.failedDeliveries)}
      <dt>7 days</dt><dd>${healthSparkline(h)}</dd>
    </dl>
  </section>`;
}
