// Server-rendered SVG charts as components (no script, no external asset, CSP-safe: classes, no style attributes):
// stacked bars, lines with gaps, a sparkline. Every mark carries its numbers in data-* attributes and a <title>; each
// chart is role="img" with a text summary, and its callers add the table of numbers. Pure: no I/O.
import type { ComponentChildren } from 'preact';

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
const integer = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function GridAndYAxis({ max, format }: { max: number; format: (n: number) => string }) {
  return (
    <g class="axis y" aria-hidden="true">
      {Array.from({ length: TICKS + 1 }, (_, i) => {
        const y = f(PAD.top + PLOT_H - (PLOT_H * i) / TICKS);
        return (
          <>
            <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 5} y={f(y + 3.5)} text-anchor="end">{format((max / TICKS) * i)}</text>
          </>
        );
      })}
    </g>
  );
}

function XLabels({ slots }: { slots: { label: string }[] }) {
  const slot = PLOT_W / slots.length;
  return (
    <g class="axis x" aria-hidden="true">
      {slots.map((s, i) => (s.label ? <text x={f(PAD.left + slot * (i + 0.5))} y={H - 6} text-anchor="middle">{s.label}</text> : null))}
    </g>
  );
}

/** The chart's frame: its viewBox, its accessible name and description, then the marks. */
function ChartSvg({ frame, children }: { frame: ChartFrame; children: ComponentChildren }) {
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${frame.id}-title ${frame.id}-desc`} focusable="false">
      <title id={`${frame.id}-title`}>{frame.title}</title>
      <desc id={`${frame.id}-desc`}>{frame.description}</desc>
      {children}
    </svg>
  );
}

/** One bar of stacked segments, bottom-up in `series` order. */
function StackedBar({ series, slot, index, width, max }: { series: Series[]; slot: BarSlot; index: number; width: number; max: number }) {
  const barW = f(Math.max(1, width * 0.72));
  const barX = f(PAD.left + width * index + (width - barW) / 2);
  const total = series.reduce((n, one) => n + (slot.values[one.key] ?? 0), 0);
  let y = PAD.top + PLOT_H;
  return (
    <g class="bar" data-start={slot.start} data-total={total}>
      <title>{slot.title}</title>
      <rect class="hit" x={f(PAD.left + width * index)} y={PAD.top} width={f(width)} height={PLOT_H} />
      {series.map((one) => {
        const count = slot.values[one.key] ?? 0;
        if (count === 0) return null;
        const h = (PLOT_H * count) / max;
        y -= h;
        return <rect class={`seg seg-${one.key}`} x={barX} y={f(y)} width={barW} height={f(h)} data-series={one.key} data-count={count} />;
      })}
    </g>
  );
}

/** Bars stacked bottom-up in `series` order; each segment is `rect.seg.seg-<key>` with data-series / data-count. */
export function StackedBars({ frame, series, slots }: { frame: ChartFrame; series: Series[]; slots: BarSlot[] }) {
  const max = niceMax(Math.max(0, ...slots.map((s) => series.reduce((n, one) => n + (s.values[one.key] ?? 0), 0))));
  const width = PLOT_W / slots.length;
  return (
    <ChartSvg frame={frame}>
      <GridAndYAxis max={max} format={integer} />
      {slots.map((slot, i) => <StackedBar series={series} slot={slot} index={i} width={width} max={max} />)}
      <XLabels slots={slots} />
    </ChartSvg>
  );
}

/** The path of one series: moves to each point after a gap, lines to the others. */
function pathOf(key: string, slots: PointSlot[], xOf: (i: number) => number, yOf: (v: number) => number): string {
  let d = '';
  let drawing = false;
  slots.forEach((s, i) => {
    const v = s.values[key];
    if (v === null || v === undefined) {
      drawing = false;
      return;
    }
    d += `${drawing ? 'L' : 'M'}${xOf(i)} ${yOf(v)}`;
    drawing = true;
  });
  return d;
}

/** One polyline per series, broken where a value is null; each value is a `circle.pt.pt-<key>` with data-value. */
export function Lines({ frame, series, slots, format }: { frame: ChartFrame; series: Series[]; slots: PointSlot[]; format: (n: number) => string }) {
  const values = slots.flatMap((s) => series.map((x) => s.values[x.key])).filter((v): v is number => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...values));
  const slot = PLOT_W / slots.length;
  const xOf = (i: number) => f(PAD.left + slot * (i + 0.5));
  const yOf = (v: number) => f(PAD.top + PLOT_H - (PLOT_H * v) / max);
  return (
    <ChartSvg frame={frame}>
      <GridAndYAxis max={max} format={format} />
      {series.map((x) => {
        const d = pathOf(x.key, slots, xOf, yOf);
        return d ? <path class={`line line-${x.key}`} d={d} /> : null;
      })}
      {slots.map((s, i) => (
        <g class="slot" data-start={s.start}>
          <title>{s.title}</title>
          <rect class="hit" x={f(PAD.left + slot * i)} y={PAD.top} width={f(slot)} height={PLOT_H} />
          {series.map((x) => {
            const v = s.values[x.key];
            return v === null || v === undefined ? null : <circle class={`pt pt-${x.key}`} cx={xOf(i)} cy={yOf(v)} r="2.6" data-series={x.key} data-value={v} />;
          })}
        </g>
      ))}
      <XLabels slots={slots} />
    </ChartSvg>
  );
}

export interface SparkSlot {
  start: string;
  good: number;
  bad: number;
}

const SW = 112;
const SH = 26;

function SparkBar({ slot, x, barW, max }: { slot: SparkSlot; x: number; barW: number; max: number }) {
  const goodH = (SH - 2) * (slot.good / max);
  const badH = (SH - 2) * (slot.bad / max);
  return (
    <g data-start={slot.start} data-good={slot.good} data-bad={slot.bad}>
      {slot.good + slot.bad === 0 ? <rect class="spark-none" x={x} y={SH - 1} width={barW} height="1" /> : (
        <>
          {slot.good ? <rect class="spark-good" x={x} y={f(SH - goodH)} width={barW} height={f(goodH)} /> : null}
          {slot.bad ? <rect class="spark-bad" x={x} y={f(SH - goodH - badH)} width={barW} height={f(badH)} /> : null}
        </>
      )}
    </g>
  );
}

/**
 * A tiny bar per slot: `good` in green under `bad` in red, scaled to the busiest slot; numbers in data-* (no
 * per-bar tooltip: a table row holds one of these, so it stays small). `label` is its title and aria-label.
 */
export function Sparkline({ label, slots }: { label: string; slots: SparkSlot[] }) {
  const max = Math.max(1, ...slots.map((s) => s.good + s.bad));
  const slot = SW / slots.length;
  const barW = f(Math.max(1, slot - 1));
  return (
    <svg class="sparkline" viewBox={`0 0 ${SW} ${SH}`} width={SW} height={SH} role="img" aria-label={label} focusable="false">
      <title>{label}</title>
      {slots.map((s, i) => <SparkBar slot={s} x={f(i * slot)} barW={barW} max={max} />)}
    </svg>
  );
}
