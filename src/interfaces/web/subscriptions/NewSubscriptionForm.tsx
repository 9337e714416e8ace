// The "new subscription" form: keeps what was typed (never a secret), lists the errors the create use case named.
// Offers the registered formats in their own order (Format.offer); each format-only field says which formats take it.
import type { FieldError } from '../../../domain/events/schema';
import { EVENT_TYPES } from '../../../domain/events/eventTypes';
import type { Format } from '../../../domain/formats/format';
import { formatNames, getFormat, type FormatName } from '../../../domain/formats/registry';
import { CsrfField } from '../components/forms';
import { list, text, type PostedForm } from './formValues';

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

export function ErrorList({ errors }: { errors: FieldError[] }) {
  if (errors.length === 0) return null;
  return <ul class="errors" role="alert">{errors.map((e) => <li><strong>{e.field}</strong>: {e.message}</li>)}</ul>;
}

function Option({ value, current, label = value }: { value: string; current: string; label?: string }) {
  return <option value={value} selected={value === current}>{label}</option>;
}

function EventChoice({ form }: { form: PostedForm }) {
  const chosen = new Set(list(form, 'events'));
  return (
    <div class="wide"><label>Events</label>
      <div class="checks"><label><input type="checkbox" name="allEvents" value="on" checked={text(form, 'allEvents') === 'on' || !form.name} /> every event type</label></div>
      <details><summary>or choose event types</summary><div class="checks">
        {EVENT_TYPES.map((t) => <label><input type="checkbox" name="events" value={t} checked={chosen.has(t)} /> {t}</label>)}
      </div></details>
    </div>
  );
}

export function NewSubscriptionForm({ csrf, form = {}, errors = [] }: { csrf: string; form?: PostedForm; errors?: FieldError[] }) {
  const offered = offeredFormats();
  const format = text(form, 'format') || offered[0]!;
  return (
    <section class="card" id="new-subscription">
      <h2>New subscription</h2>
      <ErrorList errors={errors} />
      <form method="post" action="/subscriptions">
        <CsrfField token={csrf} />
        <div class="form-grid">
          {'\n'}<label>Name <input name="name" required maxlength={200} value={text(form, 'name')} /></label>
          {'\n'}<label>Format <select name="format">
            {offered.map((name) => <Option value={name} current={format} label={formatLabel(name)} />)}
          </select></label>
          {'\n'}<label class="wide">URL <input name="url" type="url" required maxlength={2000} placeholder="https://receiver.example.com/hooks" value={text(form, 'url')} /></label>
          {'\n'}<EventChoice form={form} />
          {'\n'}<label>Mode ({formatsWhere((f) => f.defaultMode !== null)} only) <select name="mode"><Option value="all" current={text(form, 'mode') || 'all'} label="all events" /><Option value="approved" current={text(form, 'mode')} label="approved only" /></select></label>
          {'\n'}<label>Authorization ({formatsWhere((f) => f.credential.kind === 'authorization')} only) <input name="authorization" autocomplete="off" placeholder="sent verbatim in Authorization" /></label>
          {'\n'}<label>Secret ({formatsWhere((f) => f.credential.kind === 'secret')}) <input name="secret" autocomplete="off" placeholder="leave empty to generate one" /></label>
          {'\n'}<label>Retry schedule <input name="retrySchedule" placeholder="e.g. 1m 10m 2h (empty: default)" value={text(form, 'retrySchedule')} /></label>
          {'\n'}<label class="wide">Properties (JSON object sent with every request by the formats that carry one, e.g. a work item's Properties) <textarea name="properties" rows={2} spellcheck={false} placeholder='{"Tenant": "acme"}'>{text(form, 'properties')}</textarea></label>
        </div>
        <p><button class="btn btn-primary" type="submit">Create subscription</button></p>
      </form>
    </section>
  );
}
