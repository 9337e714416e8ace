// One subscription, managed in place: its settings form (URL, events, format options, retry ladder, ordering and
// limits; each error shown next to the field it names), "Send test", the credential card, the danger zone, and the
// confirmation pages for disable and delete that say how many open deliveries they cancel. Pure components.
import type { ComponentChildren } from 'preact';
import type { OpenDeliveries } from '../../../app/readModels/deliveryImpact';
import type { FieldError } from '../../../domain/events/schema';
import { EVENT_TYPES, OPT_IN_EVENT_TYPES } from '../../../domain/events/eventTypes';
import { getFormat } from '../../../domain/formats/registry';
import { REDACTED } from '../../../domain/subscriptions/headerRedaction';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import { StatusBadge } from '../components/badges';
import { ActionButton, CsrfField } from '../components/forms';
import { CredentialCard } from './CredentialCard';
import { fieldOf, fieldsToFix, LIMITS, type EditValues, type Field } from './formValues';

/** "4 open deliveries (3 failed, 1 retrying)". */
export function openPhrase(open: OpenDeliveries): string {
  const parts = Object.entries(open.byStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  return `${open.total} open deliver${open.total === 1 ? 'y' : 'ies'}${open.total ? ` (${parts})` : ''}`;
}

export function cancelConsequence(open: OpenDeliveries): string {
  if (open.total === 0) return 'It has no open delivery: nothing will be cancelled.';
  return `Its ${openPhrase(open)} will be cancelled: they will not be sent, even if it is enabled again, and failed ones leave the to-do list.`;
}

/** The part of a field an error names: "step 2" for a list index, else its name. */
const part = (sub: string): string => (/^\d+$/.test(sub) ? `step ${Number(sub) + 1}` : sub);

function FieldErrors({ errors, field }: { errors: FieldError[]; field: Field }) {
  const mine = errors.filter((e) => fieldOf(e) === field);
  if (mine.length === 0) return null;
  return (
    <span class="field-error" id={`err-${field}`} role="alert">
      {mine.map((e) => <span>{e.field !== field ? `${part(e.field.slice(field.length + 1))}: ` : ''}{e.message}</span>)}
    </span>
  );
}

/** aria-invalid and aria-describedby for a field with errors. */
const invalid = (errors: FieldError[], field: Field) =>
  (errors.some((e) => fieldOf(e) === field) ? { 'aria-invalid': 'true' as const, 'aria-describedby': `err-${field}` } : {});

interface FormProps {
  s: PublicSubscription;
  v: EditValues;
  errors: FieldError[];
}

function Labelled({ label, cls, field, errors, hint, children }: { label: string; cls?: string; field: Field; errors: FieldError[]; hint?: ComponentChildren; children: ComponentChildren }) {
  return <label class={cls}>{label} {children}{hint ? <span class="hint">{hint}</span> : null}<FieldErrors errors={errors} field={field} /></label>;
}

function EventsField({ v, errors }: Omit<FormProps, 's'>) {
  const chosen = new Set(v.events);
  return (
    <fieldset class="wide" {...invalid(errors, 'events')}><legend>Events</legend>
      <div class="checks"><label><input type="checkbox" name="allEvents" value="on" checked={v.allEvents} /> every event type</label></div>
      <span class="hint">All of them but {OPT_IN_EVENT_TYPES.join(' and ')}, which are sent only when chosen below.</span>
      <details open={!v.allEvents}><summary>or choose event types</summary><div class="checks">
        {EVENT_TYPES.map((t) => <label><input type="checkbox" name="events" value={t} checked={chosen.has(t)} /> {t}</label>)}
      </div></details><FieldErrors errors={errors} field="events" />
    </fieldset>
  );
}

function SettingsFields({ s, v, errors }: FormProps) {
  const format = s.format ? getFormat(s.format) : null;
  return (
    <div class="form-grid">
      {'\n'}<Labelled label="Name" field="name" errors={errors}><input name="name" maxlength={200} value={v.name} {...invalid(errors, 'name')} /></Labelled>
      {'\n'}<label>Format <input value={s.format ?? 'unknown'} disabled title="A subscription's format cannot change: create a new subscription instead." /></label>
      {'\n'}<Labelled label="URL" cls="wide" field="url" errors={errors}><input name="url" type="url" maxlength={2000} value={v.url} {...invalid(errors, 'url')} /></Labelled>
      {'\n'}<EventsField v={v} errors={errors} />
      {'\n'}{format?.defaultMode != null ? (
        <Labelled label="Mode" field="mode" errors={errors}><select name="mode" {...invalid(errors, 'mode')}>
          <option value="all" selected={v.mode !== 'approved'}>all events</option>
          <option value="approved" selected={v.mode === 'approved'}>approved only</option></select></Labelled>
      ) : null}
      {'\n'}<Labelled label="Retry schedule" cls="wide" field="retrySchedule" errors={errors}
        hint={<>Waits between attempts, separated by spaces. Empty: the {s.format ?? ''} default{format ? <>, <code>{format.defaultLadder.join(' ')}</code></> : null}.</>}>
        <input class="short" name="retrySchedule" value={v.retrySchedule} placeholder="e.g. 1m 10m 2h" {...invalid(errors, 'retrySchedule')} /></Labelled>
      {'\n'}{format?.credential.kind === 'authorization' ? (
        <Labelled label="Authorization" field="authorization" errors={errors}
          hint="Sent verbatim in the Authorization header; the stored value is never shown. A value typed here replaces it at once: to change it without breaking the receiver, use “Rotate Authorization”.">
          <input name="authorization" autocomplete="off" maxlength={4000} value={v.authorization} placeholder={s.hasAuthorization ? 'leave empty to keep the current value' : 'none set'} {...invalid(errors, 'authorization')} /></Labelled>
      ) : null}
      {'\n'}<Labelled label="Extra headers" cls="wide" field="headers" errors={errors}
        hint={<>One <code>Name: value</code> per line, sent with every request. Sensitive values show as {REDACTED}: leave those lines as they are to keep them.</>}>
        <textarea name="headers" rows={3} placeholder="X-Tenant: acme" spellcheck={false} {...invalid(errors, 'headers')}>{v.headers}</textarea></Labelled>
      {'\n'}<Labelled label="Properties" cls="wide" field="properties" errors={errors}
        hint={<>A JSON object sent with every request by the formats that carry one (the work item's <code>Properties</code>). Empty: none.</>}>
        <textarea name="properties" rows={3} placeholder='{"Tenant": "acme"}' spellcheck={false} {...invalid(errors, 'properties')}>{v.properties}</textarea></Labelled>
    </div>
  );
}

function OrderFields({ v, errors }: Omit<FormProps, 's'>) {
  return (
    <div class="form-grid">
      {'\n'}<Labelled label="Ordering" field="ordering" errors={errors} hint="The events of one absence, employee or pay run reach the receiver in the order they happened.">
        <select name="ordering" {...invalid(errors, 'ordering')}>
          <option value="resource" selected={v.ordering === 'resource'}>per resource, in event order</option>
          <option value="none" selected={v.ordering !== 'resource'}>none (send as they come)</option></select></Labelled>
      {'\n'}<div><span class="legend">Collapse</span><div class="checks"><label><input type="checkbox" name="collapse" value="on" checked={v.collapse} {...invalid(errors, 'collapse')} /> collapse superseded updates</label></div>
        <span class="hint">A waiting <code>*.updated</code> is closed unsent when a later update or deletion of the same resource follows.</span><FieldErrors errors={errors} field="collapse" /></div>
      {'\n'}{LIMITS.map(([field, label, hint]) => (
        <Labelled label={label} field={field} errors={errors} hint={hint}><input class="short" name={field} inputmode="numeric" value={v[field]} {...invalid(errors, field)} /></Labelled>
      ))}
    </div>
  );
}

function EditForm({ s, v, errors, csrf }: FormProps & { csrf: string }) {
  const general = errors.filter((e) => fieldOf(e) === null);
  const toFix = fieldsToFix(errors);
  return (
    <form class="card edit-form" id="edit-subscription" method="post" action={`/subscriptions/${encodeURIComponent(s.id)}/edit`} novalidate>
      <CsrfField token={csrf} /><input type="hidden" name="headersShown" value={v.headersShown} />
      <h2>Settings</h2>
      {toFix ? <p class="flash flash-error" role="alert">Nothing was saved: {toFix === 1 ? 'one field needs' : `${toFix} fields need`} a fix (shown next to {toFix === 1 ? 'it' : 'each'}).</p> : null}
      {general.length ? <ul class="errors">{general.map((e) => <li><strong>{e.field}</strong>: {e.message}</li>)}</ul> : null}
      <SettingsFields s={s} v={v} errors={errors} />
      <h2>Order and limits</h2>
      <OrderFields v={v} errors={errors} />
      <p class="form-actions"><button class="btn btn-primary" type="submit">Save changes</button> <a class="btn" href="/subscriptions">Cancel</a></p>
    </form>
  );
}

function SideActions({ s, open, csrf }: { s: PublicSubscription; open: OpenDeliveries; csrf: string }) {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  return (
    <aside class="side">
      {'\n'}<section class="card"><h2>Check it</h2>
        {'\n'}<p class="muted">Sends one <code>hrhooks.test</code> message through the normal delivery path.</p>
        {'\n'}{s.enabled && !s.error
          ? <ActionButton action={`${base}/test`} label="Send test" csrf={csrf} confirm={`Send a test message to ${s.url}?`} />
          : <p class="muted">{s.enabled ? 'Fix the subscription first.' : 'Enable it to send a test.'}</p>}
        {'\n'}<p><a href={`/deliveries?subscription=${encodeURIComponent(s.id)}`}>Its deliveries</a> · {openPhrase(open)}</p>
      </section>
      {'\n'}<CredentialCard s={s} csrf={csrf} />
      {'\n'}<section class="card danger" id="danger-zone"><h2>Stop it</h2>
        {'\n'}<p class="muted">{cancelConsequence(open)}</p>
        <div class="actions">
          {s.enabled
            ? <a class="btn btn-danger" href={`${base}/disable`}>Disable…</a>
            : <ActionButton action={`${base}/enable`} label="Enable" csrf={csrf} confirm={`Enable "${s.name}"? New events will be delivered to it again.`} />}
          <a class="btn btn-danger" href={`${base}/delete`}>Delete…</a>
        </div>
      </section>
    </aside>
  );
}

export interface EditPageProps {
  s: PublicSubscription;
  open: OpenDeliveries;
  values: EditValues;
  errors: FieldError[];
  csrf: string;
}

export function SubscriptionEditPage({ s, open, values, errors, csrf }: EditPageProps) {
  return (
    <>
      <div class="title-row"><h1>{s.name} <span class="muted mono small">{s.id}</span></h1>
        <span id="state"><StatusBadge status={s.enabled ? 'enabled' : 'disabled'} /></span></div>
      {s.error ? <p class="attention" role="alert"><strong>Cannot be used as it is:</strong> {s.error}</p> : null}
      {!s.enabled && s.disabledReason ? <p class="muted">Disabled: {s.disabledReason}</p> : null}
      <div class="edit-layout"><EditForm s={s} v={values} errors={errors} csrf={csrf} /><SideActions s={s} open={open} csrf={csrf} /></div>
    </>
  );
}

/** The confirmation page before disabling or deleting: what it cancels, the button that does it, a way back. */
export function StopPage({ s, open, kind, csrf }: { s: PublicSubscription; open: OpenDeliveries; kind: 'disable' | 'delete'; csrf: string }) {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  const verb = kind === 'delete' ? 'Delete' : 'Disable';
  return (
    <section class="card confirm" id={`confirm-${kind}`}>
      <h1>{verb} “{s.name}”?</h1>
      <p>{kind === 'delete' ? 'It will receive no more events and disappears from the list; its delivery history stays searchable.' : 'It will receive no more events until it is enabled again.'}</p>
      <p class="consequence" id="consequence"><strong>{cancelConsequence(open)}</strong></p>
      <form method="post" action={`${base}/${kind}`} class="actions">
        <CsrfField token={csrf} />
        <button type="submit" class="btn btn-danger-solid">{verb}{open.total ? ` and cancel ${open.total}` : ''}</button>
        <a class="btn" href={`${base}/edit`}>Keep it</a>
      </form>
    </section>
  );
}
