// The dashboard charts as they appear on the to-do page and a subscription's page: deliveries per hour (24 h)
// and per day (30 d) stacked by outcome, attempt latency p50/p95 per hour. Each chart is a <figure> with its
// legend (totals in data-*), the SVG (Charts.tsx) and the same numbers as a table under <details>. Pure: no I/O.
import type { DashboardCharts, LatencyChart, VolumeChart } from '../../../app/readModels/dashboardStats';
import { OUTCOME_LABELS, OUTCOMES } from '../../../app/readModels/statsRules';
import { Lines, StackedBars, type Series } from './Charts';
import { bucketText, countText, dayLabel, hourLabel, msAxis, msText } from './figures';

const OUTCOME_SERIES: Series[] = OUTCOMES.map((key) => ({ key, label: OUTCOME_LABELS[key] }));
const LATENCY_SERIES: Series[] = [{ key: 'p50', label: 'p50 (median)' }, { key: 'p95', label: 'p95' }];

interface LegendItem {
  key: string;
  label: string;
  value: string;
  data: string | number;
}

function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul class="legend">
      {items.map((i) => (
        <li data-series={i.key} data-value={i.data}><span class={`swatch swatch-${i.key}`} aria-hidden="true"></span>{i.label} <b>{i.value}</b></li>
      ))}
    </ul>
  );
}

function breakdown(counts: Record<string, number>): string {
  const parts = OUTCOMES.filter((o) => counts[o]).map((o) => `${countText(counts[o]!)} ${OUTCOME_LABELS[o]}`);
  return parts.length ? parts.join(', ') : 'none';
}

function VolumeTable({ chart, summary }: { chart: VolumeChart; summary: string }) {
  return (
    <details><summary>Show the numbers</summary><div class="table-wrap"><table class="chart-table">
      <caption class="sr-only">{summary}</caption>
      <thead><tr><th scope="col">{chart.unit === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>{OUTCOMES.map((o) => <th scope="col" class="num">{OUTCOME_LABELS[o]}</th>)}<th scope="col" class="num">total</th></tr></thead>
      <tbody>{chart.buckets.map((b) => (
        <tr data-start={b.start}><th scope="row">{bucketText(b.start, chart.unit)}</th>{OUTCOMES.map((o) => <td class="num" data-series={o}>{b.counts[o]}</td>)}<td class="num" data-series="total">{b.total}</td></tr>
      ))}</tbody>
      <tfoot><tr><th scope="row">Total</th>{OUTCOMES.map((o) => <td class="num">{chart.totals[o]}</td>)}<td class="num">{chart.total}</td></tr></tfoot>
    </table></div></details>
  );
}

function VolumeFigure({ id, heading, chart }: { id: string; heading: string; chart: VolumeChart }) {
  const every = chart.unit === 'hour' ? 6 : 7;
  const label = chart.unit === 'hour' ? hourLabel : dayLabel;
  const slots = chart.buckets.map((b, i) => ({
    start: b.start,
    label: (chart.buckets.length - 1 - i) % every === 0 ? label(b.start) : '',
    title: `${bucketText(b.start, chart.unit)}: ${countText(b.total)} deliveries (${breakdown(b.counts)})`,
    values: b.counts,
  }));
  const summary = `${heading}, by outcome: ${countText(chart.total)} deliveries (${breakdown(chart.totals)}).`;
  return (
    <figure class="chart card" id={id} data-chart={id} data-unit={chart.unit} data-from={chart.from} data-to={chart.to} data-total={chart.total}>
      <figcaption><h3>{heading}</h3><span class="muted">by outcome, {chart.unit === 'hour' ? 'UTC hours' : 'UTC days'} · {countText(chart.total)} deliveries</span></figcaption>
      <Legend items={OUTCOMES.map((o) => ({ key: o, label: OUTCOME_LABELS[o], value: countText(chart.totals[o]), data: chart.totals[o] }))} />
      <StackedBars frame={{ id: `${id}-svg`, title: heading, description: summary }} series={OUTCOME_SERIES} slots={slots} />
      <VolumeTable chart={chart} summary={summary} />
    </figure>
  );
}

function LatencyTable({ chart, summary }: { chart: LatencyChart; summary: string }) {
  const o = chart.overall;
  return (
    <details><summary>Show the numbers</summary><div class="table-wrap"><table class="chart-table">
      <caption class="sr-only">{summary}</caption>
      <thead><tr><th scope="col">Hour (UTC)</th><th scope="col" class="num">attempts</th><th scope="col" class="num">p50</th><th scope="col" class="num">p95</th></tr></thead>
      <tbody>{chart.buckets.map((b) => (
        <tr data-start={b.start}><th scope="row">{bucketText(b.start, 'hour')}</th><td class="num" data-series="attempts">{b.attempts}</td><td class="num" data-series="p50" data-value={b.p50Ms ?? ''}>{msText(b.p50Ms)}</td><td class="num" data-series="p95" data-value={b.p95Ms ?? ''}>{msText(b.p95Ms)}</td></tr>
      ))}</tbody>
      <tfoot><tr><th scope="row">Whole period</th><td class="num">{o.attempts}</td><td class="num">{msText(o.p50Ms)}</td><td class="num">{msText(o.p95Ms)}</td></tr></tfoot>
    </table></div></details>
  );
}

function LatencyFigure({ id, heading, chart }: { id: string; heading: string; chart: LatencyChart }) {
  const slots = chart.buckets.map((b, i) => ({
    start: b.start,
    label: (chart.buckets.length - 1 - i) % 6 === 0 ? hourLabel(b.start) : '',
    title: b.attempts
      ? `${bucketText(b.start, 'hour')}: p50 ${msText(b.p50Ms)}, p95 ${msText(b.p95Ms)} over ${countText(b.attempts)} attempts`
      : `${bucketText(b.start, 'hour')}: no attempt`,
    values: { p50: b.p50Ms, p95: b.p95Ms },
  }));
  const o = chart.overall;
  const summary = o.attempts
    ? `${heading}: p50 ${msText(o.p50Ms)}, p95 ${msText(o.p95Ms)} over ${countText(o.attempts)} attempts answered or timed out.`
    : `${heading}: no attempt was answered or timed out in this period.`;
  return (
    <figure class="chart card" id={id} data-chart={id} data-unit="hour" data-from={chart.from} data-to={chart.to} data-attempts={o.attempts} data-p50-ms={o.p50Ms ?? ''} data-p95-ms={o.p95Ms ?? ''}>
      <figcaption><h3>{heading}</h3><span class="muted">attempts answered or timed out, UTC hours · {countText(o.attempts)} attempts</span></figcaption>
      <Legend items={[
        { key: 'p50', label: 'p50 (median)', value: msText(o.p50Ms), data: o.p50Ms ?? '' },
        { key: 'p95', label: 'p95', value: msText(o.p95Ms), data: o.p95Ms ?? '' },
      ]} />
      <Lines frame={{ id: `${id}-svg`, title: heading, description: summary }} series={LATENCY_SERIES} slots={slots} format={msAxis} />
      <LatencyTable chart={chart} summary={summary} />
    </figure>
  );
}

/** The three charts in a responsive grid (one section per page: the figures' ids are fixed). */
export function DashboardChartsSection({ charts, heading = 'Activity' }: { charts: DashboardCharts; heading?: string }) {
  return (
    <section class="charts" id="charts" aria-labelledby="charts-heading">
      <h2 id="charts-heading">{heading}</h2>
      <div class="chart-grid">
        <VolumeFigure id="volume-24h" heading="Deliveries per hour, last 24 h" chart={charts.hourly} />
        <VolumeFigure id="volume-30d" heading="Deliveries per day, last 30 days" chart={charts.daily} />
        <LatencyFigure id="latency-24h" heading="Attempt latency, last 24 h" chart={charts.latency} />
      </div>
    </section>
  );
}
