// Styles for the management and bulk-action parts of the web interface (appended to stylesheet.ts): tables
// that fit 1366 px (fixed columns, long values truncated with the full text in a tooltip) and collapse to
// labelled cards on a phone, the bulk toolbar, the subscription edit page and its field errors. No I/O.
export const MANAGEMENT_STYLES = `
.small { font-size:.8rem; }
.trunc { display:block; max-width:100%; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.clamp { display:-webkit-box; -webkit-line-clamp:2; -webkit-box-orient:vertical; overflow:hidden; overflow-wrap:anywhere; }
table.deliveries { table-layout:fixed; min-width:0; }
table.deliveries th { white-space:normal; }
table.deliveries td { overflow:hidden; }
table.deliveries .col-select { width:2.2rem; padding-right:0; }
table.deliveries .col-event { width:9.5rem; }
table.deliveries .col-sub { width:8rem; }
table.deliveries .col-status { width:7rem; }
table.deliveries .col-time { width:7.8rem; } table.deliveries td.col-time { font-size:.86rem; }
table.deliveries .col-num { width:3.6rem; text-align:right; padding-left:.4rem; padding-right:.6rem; }
table.deliveries .col-actions { width:8.6rem; padding-left:.45rem; padding-right:.45rem; }
.badge-queued { color:var(--warn); background:var(--warn-bg); border-color:#f0d896; }
.badge-superseded { color:var(--grey); background:var(--grey-bg); border-color:#d5dae1; }
table.deliveries td.col-why { font-size:.88rem; }
.row-buttons { display:flex; flex-direction:column; gap:.3rem; align-items:stretch; }
.btn-small { font-size:.8rem; padding:.2rem .55rem; }
.btn-danger-solid { background:var(--bad); border-color:var(--bad); color:#fff; }
.bulk { position:sticky; top:0; z-index:5; display:flex; flex-wrap:wrap; align-items:flex-end; gap:.5rem .8rem; background:var(--card);
  border:1px solid var(--line); border-radius:10px; padding:.6rem .8rem; margin:0 0 1rem; box-shadow:0 2px 6px rgba(23,32,58,.06); }
.bulk-count { align-self:center; color:var(--muted); } .bulk-count b { color:var(--ink); }
.bulk-note { flex:1 1 16rem; } .bulk-note input { width:100%; }
.btn:disabled { opacity:.5; cursor:not-allowed; }
#bulk-outcomes .outcome-ok .outcome { color:var(--ok); font-weight:600; }
#bulk-outcomes .outcome-refused .outcome { color:var(--bad); font-weight:600; }
.search-hint { margin:-.4rem 0 1rem; font-size:.85rem; }
.filters .search { flex:1 1 18rem; } .filters .search input { width:100%; }
.edit-layout { display:grid; grid-template-columns:minmax(0,1fr) 19rem; gap:1rem; align-items:start; }
.edit-layout .side .card { margin-bottom:1rem; } .side h2 { font-size:1rem; margin:0 0 .4rem; } .side p { margin:.3rem 0 .6rem; }
.edit-form > h2:first-of-type { margin-top:0; }
.edit-form input.short { max-width:24rem; }
.edit-form input:disabled { background:var(--bg); color:var(--muted); }
.edit-form fieldset { border:0; padding:0; margin:0; min-width:0; }
.edit-form legend, .edit-form .legend { display:block;  font-size:.8rem; color:var(--muted); font-weight:600; padding:0; margin-bottom:.2rem; }
.edit-form input:not([type=checkbox]), .edit-form select, .edit-form textarea { width:100%; }
.hint { font-weight:400; color:var(--muted); font-size:.8rem; }
.field-error { display:flex; flex-direction:column; color:var(--bad); font-weight:600; font-size:.82rem; }
[aria-invalid=true], fieldset[aria-invalid=true] .checks { border-color:var(--bad); box-shadow:0 0 0 1px var(--bad); border-radius:7px; }
.form-actions { display:flex; gap:.5rem; margin:1rem 0 0; }
.danger { border-color:#f5c2bd; }
.confirm { max-width:44rem; } .consequence { background:var(--warn-bg); border:1px solid #f0d896; border-radius:8px; padding:.6rem .8rem; }
.advice { margin:.15rem 0; } .raw-error pre { white-space:pre-wrap; overflow-wrap:anywhere; }
/* the subscriptions list: fixed columns so a long URL or name never widens the table; actions stacked, never cut */
table#subscriptions { table-layout:fixed; }
#subscriptions .col-name { width:18%; } #subscriptions .col-format { width:6.5rem; } #subscriptions .col-events { width:16%; }
#subscriptions .col-state { width:7.5rem; } #subscriptions .col-cred { width:9.5rem; } #subscriptions .col-actions { width:9.5rem; }
#subscriptions td { overflow-wrap:anywhere; }
#subscriptions .col-actions .actions { flex-direction:column; align-items:stretch; gap:.35rem; }
#subscriptions .col-actions .actions > form, #subscriptions .col-actions .btn { display:block; width:100%; text-align:center; }
@media (max-width:900px) { .edit-layout { grid-template-columns:minmax(0,1fr); } }
@media (max-width:640px) {
  table.cards { min-width:0; table-layout:auto; }
  table.cards thead { display:none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display:block; width:auto !important; }
  table.cards tr { border-bottom:1px solid var(--line); padding:.55rem .8rem; }
  table.cards tr:last-child { border-bottom:0; }
  table.cards td { display:flow-root; border:0; padding:.18rem 0 .18rem 6.8rem; min-height:1.6rem; text-align:left !important; overflow:visible; white-space:normal; }
  table.cards td::before { content:attr(data-label); float:left; margin-left:-6.8rem; width:6.3rem; color:var(--muted); font-size:.72rem;
    font-weight:600; text-transform:uppercase; letter-spacing:.03em; line-height:1.9; }
  table.cards td.col-num, table.cards td.col-actions, table.cards td.col-select { padding:.18rem 0 .18rem 6.8rem; }
  table.cards .trunc { white-space:normal; overflow-wrap:anywhere; }
  table.cards .row-buttons { flex-direction:row; flex-wrap:wrap; }
  #subscriptions .col-actions .actions { flex-direction:row; flex-wrap:wrap; }
  #subscriptions .col-actions .actions > form, #subscriptions .col-actions .btn { display:inline-block; width:auto; }
  .bulk { position:static; }
}
`;
