// Styles of the dashboard charts, the health table and sparklines (appended to stylesheet.ts). Colours come in
// classes, never style attributes (the CSP allows only the nonce'd stylesheet); every colour has its word in a
// legend, a tooltip and the table of numbers. No I/O.
export const CHART_STYLES = `
:root { --c-firstTry:#1f7a3f; --c-afterRetries:#7fcf98; --c-failed:#d92d20; --c-processed:#7a5ac8; --c-inProgress:#2f7fd8; --c-other:#a3abb6;
  --c-p50:#2b59c3; --c-p95:#c2410c; }
.sr-only { position:absolute; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden; clip:rect(0,0,0,0); white-space:nowrap; border:0; }
.charts h2 { margin-top:.4rem; }
.chart-grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(330px,1fr)); gap:1rem; margin-bottom:1rem; }
figure.chart { margin:0; min-width:0; display:flex; flex-direction:column; gap:.35rem; }
figure.chart figcaption h3 { margin:0; font-size:1rem; }
figure.chart figcaption .muted { font-size:.8rem; }
.legend { list-style:none; margin:0; padding:0; display:flex; flex-wrap:wrap; gap:.15rem .8rem; font-size:.78rem; color:var(--muted); }
.legend li { display:flex; align-items:center; gap:.3rem; } .legend b { color:var(--ink); font-weight:600; }
.swatch { display:inline-block; width:.7rem; height:.7rem; border-radius:2px; }
.chart-svg { width:100%; height:auto; display:block; overflow:visible; }
.chart-svg text { font-size:10.5px; fill:var(--muted); font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
.chart-svg .grid { stroke:var(--line); stroke-width:1; }
.chart-svg .hit, .sparkline .hit { fill:transparent; }
.chart-svg .bar:hover .hit, .chart-svg .slot:hover .hit { fill:rgba(43,89,195,.07); }
.chart-svg .line { fill:none; stroke-width:2; stroke-linejoin:round; stroke-linecap:round; }
.seg-firstTry, .swatch-firstTry { fill:var(--c-firstTry); background:var(--c-firstTry); }
.seg-afterRetries, .swatch-afterRetries { fill:var(--c-afterRetries); background:var(--c-afterRetries); }
.seg-failed, .swatch-failed { fill:var(--c-failed); background:var(--c-failed); }
.seg-processed, .swatch-processed { fill:var(--c-processed); background:var(--c-processed); }
.seg-inProgress, .swatch-inProgress { fill:var(--c-inProgress); background:var(--c-inProgress); }
.seg-other, .swatch-other { fill:var(--c-other); background:var(--c-other); }
.line-p50 { stroke:var(--c-p50); } .pt-p50, .swatch-p50 { fill:var(--c-p50); background:var(--c-p50); }
.line-p95 { stroke:var(--c-p95); stroke-dasharray:5 3; } .pt-p95, .swatch-p95 { fill:var(--c-p95); background:var(--c-p95); }
table.chart-table { min-width:0; font-size:.82rem; } table.chart-table th, table.chart-table td { padding:.25rem .5rem; }
table.chart-table tbody th { font-weight:400; white-space:nowrap; text-transform:none; letter-spacing:0; color:var(--ink); background:none; font-size:.82rem; }
table.chart-table tfoot th, table.chart-table tfoot td { font-weight:600; border-top:1px solid var(--line); }
.num { text-align:right; font-variant-numeric:tabular-nums; }
.sparkline { display:block; } .spark-good { fill:var(--c-firstTry); } .spark-bad { fill:var(--c-failed); } .spark-none { fill:var(--line); }
.health-table th a { color:var(--muted); } .health-table th[aria-sort=ascending] a, .health-table th[aria-sort=descending] a { color:var(--ink); }
.health-table td.spark { width:8rem; }
.health-sort { display:none; }
.bad { color:var(--bad); }
.health-failing, .health-paused { color:#fff; background:var(--bad); border-color:var(--bad); }
.health-degraded { color:var(--warn); background:var(--warn-bg); border-color:#f0d896; }
.health-healthy { color:var(--ok); background:var(--ok-bg); border-color:#b9e2c6; }
.health-idle { color:var(--grey); background:var(--grey-bg); border-color:#d5dae1; }
.health-card h2 .badge { font-size:.8rem; vertical-align:.1rem; margin-left:.3rem; }
@media (max-width:640px) {
  .chart-grid { grid-template-columns:minmax(0,1fr); }
  .chart-svg text { font-size:13px; }
  table.health-table td.spark { width:auto; }
  .health-sort { display:flex; }
}
`;
