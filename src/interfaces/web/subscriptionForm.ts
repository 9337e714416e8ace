// The "new subscription" form: rendering (keeping what was typed, never a secret) and turning the posted
// fields into the API's create input, validated by the same zod schema and format rules as /v1.
import { EVENT_TYPES } from '../../domain/events/eventTypes';
import type { FieldError } from '../../domain/events/schema';
import type { Format } from '../../domain/formats/format';
import { formatNames, getFormat, isFormatName, type FormatName } from '../../domain/formats/registry';
import { checkUrl, type Cidr } from '../../infra/http/ssrfGuard';
import { subscriptionCreateSchema, subscriptionRules, type SubscriptionCreate } from '../api/schemas';
import { fieldErrors } from '../../domain/events/schema';
import { csrfField, html, type SafeHtml } from './layout';

export type PostedForm = Record<string, string | string[] | undefined>;

/** One posted field's text (the first when repeated), trimmed. */
export function text(form: PostedForm, name: string): string {
  const v = form[name];
  return (Array.isArray(v) ? v[0] ?? '' : v ?? '').trim();
}

/** A posted field's values (repeated or single), trimmed, empty ones dropped. */
export function list(form: PostedForm, name: string): string[] {
  const v = form[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** The registered formats in the order the form offers them (Format.offer); the first is preselected. */
function offeredFormats(): FormatName[] {
  const rank = (name: FormatName) => getFormat(name).offer?.rank ?? Number.MAX_SAFE_INTEGER;
  return [...formatNames()].sort((a, b) => rank(a) - rank(b));
}

function formatLabel(name: FormatName): string {
  const label = getFormat(name).offer?.label;
  return label ? `${name} (${label})` : name;
}

/** The names of the formats a field applies to, for its label ("aspnet / standard"). */
function formatsWhere(applies: (format: Format) => boolean): string {
  return formatNames().filter((name) => applies(getFormat(name))).join(' / ');
}

export function parseSubscriptionForm(form: PostedForm, allow: Cidr[]): { input: SubscriptionCreate } | { errors: FieldError[] } {
  const format = text(form, 'format');
  const defaultMode = isFormatName(format) ? getFormat(format).defaultMode : null;
  const schedule = text(form, 'retrySchedule').split(/[\s,]+/).filter(Boolean);
  const candidate = {
    name: text(form, 'name'),
    url: text(form, 'url'),
    format,
    events: text(form, 'allEvents') === 'on' ? '*' : list(form, 'events'),
    ...(defaultMode !== null ? { mode: text(form, 'mode') || defaultMode } : {}),
    ...(text(form, 'authorization') ? { authorization: text(form, 'authorization') } : {}),
    ...(text(form, 'secret') ? { secret: text(form, 'secret') } : {}),
    ...(schedule.length ? { retrySchedule: schedule } : {}),
  };
  const parsed = subscriptionCreateSchema.safeParse(candidate);
  if (!parsed.success) return { errors: fieldErrors(parsed.error.issues, []) };
  const errors = subscriptionRules(parsed.data.format, parsed.data);
  const url = checkUrl(parsed.data.url, allow);
  if (!url.ok) errors.push({ field: 'url', message: url.reason });
  return errors.length ? { errors } : { input: parsed.data };
}

export function subscriptionForm(csrf: string, form: PostedForm = {}, errors: FieldError[] = []): SafeHtml {
  const chosen = new Set(list(form, 'events'));
  const offered = offeredFormats();
  const format = text(form, 'format') || offered[0]!;
  const opt = (value: string, current: string, label = value) =>
    html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
  return html`<section class="card" id="new-subscription">
    <h2>New subscription</h2>
    ${errors.length ? html`<ul class="errors" role="alert">${errors.map((e) => html`<li><strong>${e.field}</strong>: ${e.message}</li>`)}</ul>` : ''}
    <form method="post" action="/subscriptions">
      ${csrfField(csrf)}
      <div class="form-grid">
        <label>Name <input name="name" required maxlength="200" value="${text(form, 'name')}"></label>
        <label>Format <select name="format">
          ${offered.map((name) => opt(name, format, formatLabel(name)))}
        </select></label>
        <label class="wide">URL <input name="url" type="url" required maxlength="2000" placeholder="https://receiver.example.com/hooks" value="${text(form, 'url')}"></label>
        <div class="wide"><label>Events</label>
          <div class="checks"><label><input type="checkbox" name="allEvents" value="on"${text(form, 'allEvents') === 'on' || !form.name ? html` checked` : ''}> every event type</label></div>
          <details><summary>or choose event types</summary><div class="checks">
            ${EVENT_TYPES.map((t) => html`<label><input type="checkbox" name="events" value="${t}"${chosen.has(t) ? html` checked` : ''}> ${t}</label>`)}
          </div></details>
        </div>
        <label>Mode (${formatsWhere((f) => f.defaultMode !== null)} only) <select name="mode">${opt('all', text(form, 'mode') || 'all', 'all events')}${opt('approved', text(form, 'mode'), 'approved only')}</select></label>
        <label>Authorization (${formatsWhere((f) => f.credential.kind === 'authorization')} only) <input name="authorization" autocomplete="off" placeholder="sent verbatim in Authorization"></label>
        <label>Secret (${formatsWhere((f) => f.credential.kind === 'secret')}) <input name="secret" autocomplete="off" placeholder="leave empty to generate one"></label>
        <label>Retry schedule <input name="retrySchedule" placeholder="e.g. 1m 10m 2h (empty: default)" value="${text(form, 'retrySchedule')}"></label>
      </div>
      <p><button class="btn btn-primary" type="submit">Create subscription</button></p>
    </form>
  </section>`;
}
