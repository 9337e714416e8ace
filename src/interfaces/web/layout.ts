// The HTML shell of the follow-up web interface: the `html` template tag (escapes EVERY interpolated
// value unless it is already SafeHtml), page frame, inline CSS and script, badges and times. No I/O.
import type { DeliveryStatus } from '../../../workflows/definitions';
import { BULK_SCRIPT } from './bulkScript';
import { STYLESHEET } from './stylesheet';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Template tag: literal markup stays, interpolations are escaped (arrays are joined, SafeHtml passes). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): SafeHtml {
  let out = strings[0]!;
  parts.forEach((part, i) => {
    out += render(part) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

export type Flash = { kind: 'ok' | 'error'; text: string };

export interface PageFrame {
  title: string;
  nonce: string;
  /** Signed-in operator; absent on the sign-in page. */
  who?: { name: string; csrf: string };
  flash?: Flash | null;
  active?: 'todo' | 'deliveries' | 'subscriptions';
}

const CLIENT_SCRIPT = `
document.querySelectorAll('time[datetime]').forEach(function (t) {
  var d = new Date(t.getAttribute('datetime'));
  if (isNaN(d.getTime())) return;
  t.title = t.textContent;
  t.textContent = d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  t.classList.add('local');
});
document.querySelectorAll('table.cards').forEach(function (table) {
  var heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent.trim(); });
  table.querySelectorAll('tbody tr').forEach(function (tr) {
    Array.prototype.forEach.call(tr.children, function (td, i) { if (!td.hasAttribute('data-label') && heads[i]) td.setAttribute('data-label', heads[i]); });
  });
});
document.querySelectorAll('form[data-confirm]').forEach(function (f) {
  f.addEventListener('submit', function (e) { if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
});
`;

function nav(frame: PageFrame): SafeHtml {
  if (!frame.who) return html``;
  const link = (key: PageFrame['active'], href: string, label: string) =>
    html`<a href="${href}"${frame.active === key ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="nav">
    ${link('todo', '/', 'To-do')}${link('deliveries', '/deliveries', 'Deliveries')}${link('subscriptions', '/subscriptions', 'Subscriptions')}
  </nav>
  <form class="signout" method="post" action="/logout">
    <span class="who" title="signed in with this admin API key">${frame.who.name}</span>
    ${csrfField(frame.who.csrf)}<button class="link" type="submit">Sign out</button>
  </form>`;
}

export function page(frame: PageFrame, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${frame.title} · hrhooks</title>
<style nonce="${frame.nonce}">${new SafeHtml(STYLESHEET)}</style>
</head><body>
<header class="top"><a class="brand" href="/">hrhooks</a>${nav(frame)}</header>
<main>
${frame.flash ? html`<p class="flash flash-${frame.flash.kind}" role="status">${frame.flash.text}</p>` : ''}
${body}
</main>
<script nonce="${frame.nonce}">${new SafeHtml(CLIENT_SCRIPT + BULK_SCRIPT)}</script>
</body></html>`.value;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function statusBadge(status: DeliveryStatus | string): SafeHtml {
  return html`<span class="badge badge-${status}">${status}</span>`;
}

/** An ISO time in <time datetime>, as UTC text; the inline script shows it in the viewer's zone (named), UTC on hover. */
export function timeTag(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">—</span>`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const utc = `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${d.toISOString()}">${utc}</time>`;
}

export function statusCode(code: number | null | undefined): SafeHtml {
  if (code === null || code === undefined) return html`<span class="muted">—</span>`;
  const tone = code >= 200 && code < 300 ? 'ok' : 'bad';
  return html`<span class="code code-${tone}">${code}</span>`;
}

/** A POST button with the CSRF field and a JS confirm() (the form still works without JS). */
export function actionButton(opts: { action: string; label: string; csrf: string; confirm: string; kind?: 'primary' | 'plain' | 'danger' }): SafeHtml {
  return html`<form class="inline" method="post" action="${opts.action}" data-confirm="${opts.confirm}">
    ${csrfField(opts.csrf)}<button type="submit" class="btn btn-${opts.kind ?? 'plain'}">${opts.label}</button>
  </form>`;
}

export function emptyState(text: string): SafeHtml {
  return html`<p class="empty">${text}</p>`;
}

/** The error badge of a row that cannot be shown or used fully; the reason is in its title and beside it. */
export function problemBadge(reason: string): SafeHtml {
  return html`<span class="badge badge-error" title="${reason}">needs attention</span>`;
}

/** A banner naming every subscription that needs attention, linking to each row on the subscriptions page. */
export function attentionBanner(broken: { id: string; name: string; error: string | null }[]): SafeHtml {
  if (broken.length === 0) return html``;
  const count = broken.length === 1 ? 'One subscription needs' : `${broken.length} subscriptions need`;
  return html`<section class="attention" role="alert" id="attention">
    <strong>${count} attention:</strong>
    <ul>${broken.map((s) => html`<li><a href="/subscriptions#sub-${s.id}">${s.name}</a> — ${s.error}</li>`)}</ul>
  </section>`;
}
