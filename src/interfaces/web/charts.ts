// Server-rendered SVG charts (no script, no external asset, CSP-safe: classes, no style attributes): stacked
// bars, lines with gaps, a sparkline. Every mark carries its numbers in data-* attributes and a <title>; each
// chart is role="img" with a text summary, and its callers add the table of numbers. Pure: no I/O.
import { html, type SafeHtml } from './layout';

export interface Series {
  key: string;
  label: string;
}

export interface BarSlot {
  /** ISO start of the bucket; label: the x-axis text ('' to skip); title: the hover text. */
  start: string;
  label: string;
  title: string;
  values: Record<string, number>;
}

export interface PointSlot {
  start: string;
  label: string;
  title: string;
  values: Record<string, number | null>;
}

export interface ChartFrame {
  /** Unique in the page: ids of the title / description. */
  id: string;
  title: string;
  description: string;
}

const W = 400;
const H = 190;
const PAD = { top: 10, right: 8, bottom: 22, left: 44 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const TICKS = 4;

/** The smallest 1 / 2 / 2.5 / 5 × 10^k at or above v / TICKS, times TICKS: round gridlines. */
export function niceMax(v: number): number {
  if (v <= 0) return TICKS;
  const raw = v / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return Math.max(step * TICKS, TICKS);
}

const f = (n: number) => Number(n.toFixed(2));

function frameStart(frame: ChartFrame): SafeHtml {
  return html`<title id="${frame.id}-title">${frame.title}</title><desc id="${frame.id}-desc">${frame.description}</desc>`;
}

function gridAndYAxis(max: number, format: (n: number) => string): SafeHtml {
  return html`<g class="axis y" aria-hidden="true">${Array.from({ length: TICKS + 1 }, (_, i) => {
    const value = (max / TICKS) * i;
    const y = f(PAD.top + PLOT_H - (PLOT_H * i) / TICKS);
    return html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}"></line><text x="${PAD.left - 5}" y="${f(y + 3.5)}" text-anchor="end">${format(value)}</text>`;
  })}</g>`;
}

function xLabels(slots: { label: string }[]): SafeHtml {
  const slot = PLOT_W / slots.length;
  return html`<g class="axis x" aria-hidden="true">${slots.map((s, i) => (s.label
    ? html`<text x="${f(PAD.left + slot * (i + 0.5))}" y="${H - 6}" text-anchor="middle">${s.label}</text>`
    : ''))}</g>`;
}

function svg(frame: ChartFrame, body: SafeHtml): SafeHtml {
  return html`<svg class="chart-svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${frame.id}-title ${frame.id}-desc" focusable="false">${frameStart(frame)}${body}</svg>`;
}

const integer = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Bars stacked bottom-up in `series` order; each segment is `rect.seg.seg-<key>` with data-series / data-count. */
export function stackedBars(frame: ChartFrame, series: Series[], slots: BarSlot[]): SafeHtml {
  const max = niceMax(Math.max(0, ...slots.map((s) => series.reduce((n, one) => n + (s.values[one.key] ?? 0), 0))));
  const slot = PLOT_W / slots.length;
  const barW = f(Math.max(1, slot * 0.72));
  const bars = slots.map((s, i) => {
    const barX = f(PAD.left + slot * i + (slot - barW) / 2);
    let y = PAD.top + PLOT_H;
    const total = series.reduce((n, one) => n + (s.values[one.key] ?? 0), 0);
    const segments = series.map((one) => {
      const count = s.values[one.key] ?? 0;
      if (count === 0) return '';
      const h = (PLOT_H * count) / max;
      y -= h;
      return html`<rect class="seg seg-${one.key}" x="${barX}" y="${f(y)}" width="${barW}" height="${f(h)}" data-series="${one.key}" data-count="${count}"></rect>`;
    });
    return html`<g class="bar" data-start="${s.start}" data-total="${total}"><title>${s.title}</title>
      <rect class="hit" x="${f(PAD.left + slot * i)}" y="${PAD.top}" width="${f(slot)}" height="${PLOT_H}"></rect>${segments}</g>`;
  });
  return svg(frame, html`${gridAndYAxis(max, integer)}${bars}${xLabels(slots)}`);
}

/** One polyline per series, broken where a value is null; each value is a `circle.pt.pt-<key>` with data-value. */
export function lines(frame: ChartFrame, series: Series[], slots: PointSlot[], format: (n: number) => string): SafeHtml {
  const values = slots.flatMap((s) => series.map((x) => s.values[x.key])).filter((v): v is number => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...values));
  const slot = PLOT_W / slots.length;
  const xOf = (i: number) => f(PAD.left + slot * (i + 0.5));
  const yOf = (v: number) => f(PAD.top + PLOT_H - (PLOT_H * v) / max);
  const paths = series.map((x) => {
    let d = '';
    let drawing = false;
    slots.forEach((s, i) => {
      const v = s.values[x.key];
      if (v === null || v === undefined) {
        drawing = false;
        return;
      }
      d += `${drawing ? 'L' : 'M'}${xOf(i)} ${yOf(v)}`;
      drawing = true;
    });
    return d ? html`<path class="line line-${x.key}" d="${d}"></path>` : '';
  });
  const points = slots.map((s, i) => html`<g class="slot" data-start="${s.start}"><title>${s.title}</title>
    <rect class="hit" x="${f(PAD.left + slot * i)}" y="${PAD.top}" width="${f(slot)}" height="${PLOT_H}"></rect>${series.map((x) => {
      const v = s.values[x.key];
      return v === null || v === undefined ? '' : html`<circle class="pt pt-${x.key}" cx="${xOf(i)}" cy="${yOf(v)}" r="2.6" data-series="${x.key}" data-value="${v}"></circle>`;
    })}</g>`);
  return svg(frame, html`${gridAndYAxis(max, format)}${paths}${points}${xLabels(slots)}`);
}

export interface SparkSlot {
  start: string;
  good: number;
  bad: number;
}

const SW = 112;
const SH = 26;

/**
 * A tiny bar per slot: `good` in green under `bad` in red, scaled to the busiest slot; numbers in data-* (no
 * per-bar tooltip: a table row holds one of these, so it stays small). `label` is its title and aria-label.
 */
export function sparkline(label: string, slots: SparkSlot[]): SafeHtml {
  const max = Math.max(1, ...slots.map((s) => s.good + s.bad));
  const slot = SW / slots.length;
  const barW = f(Math.max(1, slot - 1));
  const bars = slots.map((s, i) => {
    const x = f(i * slot);
    const goodH = (SH - 2) * (s.good / max);
    const badH = (SH - 2) * (s.bad / max);
    return html`<g data-start="${s.start}" data-good="${s.good}" data-bad="${s.bad}">${s.good + s.bad === 0
      ? html`<rect class="spark-none" x="${x}" y="${SH - 1}" width="${barW}" height="1"></rect>`
      : html`${s.good ? html`<rect class="spark-good" x="${x}" y="${f(SH - goodH)}" width="${barW}" height="${f(goodH)}"></rect>` : ''}${s.bad ? html`<rect class="spark-bad" x="${x}" y="${f(SH - goodH - badH)}" width="${barW}" height="${f(badH)}"></rect>` : ''}`}</g>`;
  });
  return html`<svg class="sparkline" viewBox="0 0 ${SW} ${SH}" width="${SW}" height="${SH}" role="img" aria-label="${label}" focusable="false"><title>${label}</title>${bars}</svg>`;
}
