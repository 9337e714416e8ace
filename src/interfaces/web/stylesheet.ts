// The web interface's only stylesheet, inlined in every page (no external assets). Responsive:
// tables scroll sideways on small screens; status colours always come with the status word.
import { CHART_STYLES } from './chartStyles';
import { MANAGEMENT_STYLES } from './managementStyles';

export const STYLESHEET = `
:root { --ink:#1d2430; --muted:#5f6b7a; --line:#e2e6ec; --bg:#f6f7f9; --card:#fff; --accent:#2b59c3;
  --ok:#1f7a3f; --ok-bg:#e3f4e8; --bad:#b42318; --bad-bg:#fdecea; --warn:#8a5a00; --warn-bg:#fff4d6;
  --info:#1d5fa8; --info-bg:#e4effb; --grey:#4b5563; --grey-bg:#eceff3; --violet:#5b3fa8; --violet-bg:#efe9fb; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1.25rem; background:#17203a; color:#fff; }
.brand { color:#fff; font-weight:700; font-size:1.1rem; letter-spacing:.02em; }
.nav { display:flex; gap:.25rem; flex-wrap:wrap; }
.nav a { color:#c9d3ea; padding:.3rem .7rem; border-radius:6px; }
.nav a[aria-current=page], .nav a:hover { color:#fff; background:rgba(255,255,255,.12); text-decoration:none; }
.signout { margin-left:auto; display:flex; align-items:center; gap:.6rem; }
.who { color:#c9d3ea; font-size:.9rem; }
button.link { background:none; border:0; color:#fff; cursor:pointer; font:inherit; text-decoration:underline; padding:0; }
main { max-width:1200px; margin:0 auto; padding:1.25rem; }
h1 { font-size:1.5rem; margin:.2rem 0 1rem; } h2 { font-size:1.15rem; margin:1.6rem 0 .6rem; }
.muted { color:var(--muted); } .mono, code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:.86rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:1rem 1.1rem; margin-bottom:1rem; }
.counts { display:grid; grid-template-columns:repeat(auto-fit,minmax(130px,1fr)); gap:.75rem; margin-bottom:1.25rem; }
.count { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:.7rem .9rem; display:block; color:var(--ink); }
.count:hover { text-decoration:none; border-color:var(--accent); }
.count b { display:block; font-size:1.7rem; line-height:1.2; }
.table-wrap { overflow-x:auto; background:var(--card); border:1px solid var(--line); border-radius:10px; margin-bottom:1rem; }
table { border-collapse:collapse; width:100%; min-width:640px; }
th, td { text-align:left; padding:.55rem .75rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.78rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); background:#fafbfc; white-space:nowrap; }
tr:last-child td { border-bottom:0; }
td.nowrap, .nowrap { white-space:nowrap; }
.badge { display:inline-block; padding:.08rem .55rem; border-radius:999px; font-size:.8rem; font-weight:600; border:1px solid transparent; white-space:nowrap; }
.badge::before { content:""; display:inline-block; width:.5rem; height:.5rem; border-radius:50%; background:currentColor; margin-right:.35rem; vertical-align:.05rem; }
.badge-delivered, .badge-enabled { color:var(--ok); background:var(--ok-bg); border-color:#b9e2c6; }
.badge-failed, .badge-disabled { color:var(--bad); background:var(--bad-bg); border-color:#f5c2bd; }
.badge-retrying { color:var(--warn); background:var(--warn-bg); border-color:#f0d896; }
.badge-pending, .badge-delivering { color:var(--info); background:var(--info-bg); border-color:#bcd5f2; }
.badge-processed { color:var(--violet); background:var(--violet-bg); border-color:#d6c9f3; }
.badge-cancelled { color:var(--grey); background:var(--grey-bg); border-color:#d5dae1; }
.badge-error { color:#fff; background:var(--bad); border-color:var(--bad); }
tbody.broken > tr:first-child > td { background:#fff8f7; }
tbody.broken > tr:first-child > td:first-child { box-shadow:inset 4px 0 0 var(--bad); }
tr.row-problem td { background:var(--bad-bg); color:var(--bad); border-bottom:1px solid #f5c2bd; padding-top:.45rem; padding-bottom:.45rem; overflow-wrap:anywhere; }
tr.row-problem td { box-shadow:inset 4px 0 0 var(--bad); }
.unreadable { color:var(--bad); font-weight:600; }
#subscriptions tbody:not(:last-child) > tr:last-child > td { border-bottom:1px solid var(--line); }
.attention { background:var(--bad-bg); color:var(--bad); border:1px solid #f5c2bd; border-radius:10px; padding:.7rem 1rem; margin:0 0 1rem; }
.attention ul { margin:.3rem 0 0; padding-left:1.2rem; } .attention a { color:var(--bad); text-decoration:underline; }
.fix-form { display:flex; gap:.4rem; align-items:center; margin-top:.4rem; } .fix-form input { width:12rem; }
.code { font-family:ui-monospace,Menlo,Consolas,monospace; font-weight:600; } .code-ok { color:var(--ok); } .code-bad { color:var(--bad); }
.flash { padding:.7rem 1rem; border-radius:8px; margin:0 0 1rem; font-weight:500; }
.flash-ok { background:var(--ok-bg); color:var(--ok); border:1px solid #b9e2c6; }
.flash-error { background:var(--bad-bg); color:var(--bad); border:1px solid #f5c2bd; }
.btn { font:inherit; font-size:.9rem; padding:.4rem .85rem; border-radius:7px; border:1px solid var(--line); background:#fff; color:var(--ink); cursor:pointer; white-space:nowrap; }
.btn:hover { border-color:var(--accent); }
.btn-primary { background:var(--accent); border-color:var(--accent); color:#fff; } .btn-primary:hover { background:#2049a8; }
.btn-danger { color:var(--bad); border-color:#f5c2bd; }
form.inline { display:inline; margin:0; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; align-items:flex-start; }
.filters { display:flex; flex-wrap:wrap; gap:.6rem; align-items:flex-end; margin-bottom:1rem; }
label { display:flex; flex-direction:column; gap:.2rem; font-size:.8rem; color:var(--muted); font-weight:600; }
input, select, textarea { font:inherit; font-weight:400; font-size:.92rem; color:var(--ink); padding:.38rem .5rem; border:1px solid #cfd5dd; border-radius:7px; background:#fff; min-width:0; }
input:not([type=checkbox]), select { height:2.35rem; }
textarea { width:100%; min-height:4.5rem; }
.form-grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(240px,1fr)); gap:.8rem 1rem; }
.form-grid .wide { grid-column:1/-1; }
.checks { display:flex; flex-wrap:wrap; gap:.3rem 1rem; font-weight:400; color:var(--ink); }
.checks label { flex-direction:row; align-items:center; gap:.35rem; font-weight:400; color:var(--ink); font-size:.88rem; }
.errors { color:var(--bad); background:var(--bad-bg); border-radius:8px; padding:.6rem 1rem .6rem 2rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.35rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); font-size:.85rem; } dl.facts dd { margin:0; overflow-wrap:anywhere; }
pre { background:#0f1626; color:#e6ebf5; border-radius:8px; padding:.8rem 1rem; overflow:auto; max-height:28rem; margin:.4rem 0; white-space:pre; }
pre.wrap { white-space:pre-wrap; overflow-wrap:anywhere; }
details > summary { cursor:pointer; color:var(--accent); font-size:.9rem; margin:.3rem 0; }
.request-line { font-family:ui-monospace,Menlo,Consolas,monospace; font-weight:600; overflow-wrap:anywhere; }
.headers td { font-family:ui-monospace,Menlo,Consolas,monospace; font-size:.84rem; overflow-wrap:anywhere; }
.headers table { min-width:0; } .headers td:first-child { width:16rem; color:var(--muted); }
.group { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; justify-content:space-between; margin:1.2rem 0 .5rem; }
.group h2, .group h3 { margin:0; } .group h3 { font-size:1.05rem; }
.action-grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(280px,1fr)); gap:1rem; margin-bottom:1rem; }
.action-grid .card { margin:0; display:flex; flex-direction:column; gap:.5rem; }
.action-grid h2 { margin:0; font-size:1rem; } .action-grid p { margin:0; }
.title-row .badge { font-size:.95rem; padding:.2rem .8rem; }
.secret { background:var(--warn-bg); border:1px solid #f0d896; border-radius:10px; padding:1rem; }
.secret code { font-size:1rem; overflow-wrap:anywhere; user-select:all; }
.empty { background:var(--card); border:1px dashed var(--line); border-radius:10px; padding:1.5rem; text-align:center; color:var(--muted); }
.pager { display:flex; gap:1rem; justify-content:flex-end; }
.login { max-width:420px; margin:3rem auto; }
.login input { width:100%; }
.card > h2:first-child { margin-top:0; }
.title-row { margin-bottom:.8rem; display:flex; flex-wrap:wrap; gap:.6rem 1rem; align-items:center; justify-content:space-between; }
.title-row h1 { margin:0; overflow-wrap:anywhere; }
@media (max-width:640px) {
  main { padding:.8rem; } h1 { font-size:1.25rem; }
  .signout { margin-left:0; width:100%; justify-content:space-between; }
  dl.facts { grid-template-columns:minmax(5.5rem,max-content) 1fr; gap:.3rem .7rem; }
  .headers td:first-child { width:auto; }
}
` + MANAGEMENT_STYLES + CHART_STYLES;
