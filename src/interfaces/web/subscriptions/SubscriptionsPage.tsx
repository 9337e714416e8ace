// The subscriptions page: the health table, every subscription with its actions (a row that cannot be read fully
// is listed flagged, the reason across the table, its actions kept), and the "new subscription" form. Pure components.
import type { FieldError } from '../../../domain/events/schema';
import type { Credential } from '../../../domain/formats/format';
import { getFormat } from '../../../domain/formats/registry';
import type { SubscriptionHealth } from '../../../app/readModels/subscriptionHealth';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import { ProblemBadge } from '../components/badges';
import { IfCanAct, useCanAct } from '../components/acting';
import { ActionButton } from '../components/forms';
import { EmptyState } from '../components/notices';
import { Time } from '../components/Time';
import { CredentialSummary, rotateConfirm } from './CredentialCard';
import type { PostedForm } from './formValues';
import { HealthTable, type HealthSort } from './HealthTable';
import { NewSubscriptionForm } from './NewSubscriptionForm';

/** How the subscription's receiver authenticates (null when its format is unreadable). */
function credentialKind(s: Pick<PublicSubscription, 'format'>): Credential['kind'] | null {
  return s.format === null ? null : getFormat(s.format).credential.kind;
}

/** enabled, or disabled with why. */
export function StateBadge({ s }: { s: PublicSubscription }) {
  if (s.enabled) return <span class="badge badge-enabled">enabled</span>;
  return <><span class="badge badge-disabled">disabled</span>{s.disabledReason ? <div class="muted">{s.disabledReason}</div> : null}</>;
}

function CredentialCell({ s }: { s: PublicSubscription }) {
  const kind = credentialKind(s);
  if (kind === null) return <span class="muted">—</span>;
  if (kind === 'authorization') {
    if (s.error?.includes('authorization:')) return <span class="unreadable">Authorization unreadable</span>;
    return <>{s.hasAuthorization ? 'Authorization set' : <span class="muted">no Authorization</span>}<CredentialSummary s={s} /></>;
  }
  if (s.secretCount === null) return <span class="unreadable">signing secret unreadable</span>;
  return (
    <>{s.secretCount} signing secret{s.secretCount === 1 ? '' : 's'}
      {s.secretExpiresAt ? <div class="muted">both sign until <Time iso={s.secretExpiresAt} /></div> : null}
      <CredentialSummary s={s} /></>
  );
}

/** Every action stays available on a broken row (except a test message, which it could not send). */
function RowActions({ s, csrf }: { s: PublicSubscription; csrf: string }) {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  if (!useCanAct()) return <div class="actions"><a class="btn" href={base}>View</a></div>;
  return (
    <div class="actions">
      {'\n'}{s.enabled && !s.error ? <ActionButton action={`${base}/test`} label="Send test" csrf={csrf} confirm={`Send a test message to ${s.url}?`} /> : null}
      {'\n'}<a class="btn" href={`${base}/edit`}>Edit</a>
      {'\n'}{s.enabled
        ? <a class="btn btn-danger" href={`${base}/disable`} title="Shows how many open deliveries this cancels before doing it">Disable…</a>
        : <ActionButton action={`${base}/enable`} label="Enable" csrf={csrf} confirm={`Enable "${s.name}"?`} />}
      {'\n'}{credentialKind(s) === 'secret'
        ? <ActionButton action={`${base}/rotate-secret`} label="Rotate secret" csrf={csrf} kind={s.secretCount === null ? 'primary' : 'plain'} confirm={rotateConfirm(s)} />
        : null}
      {'\n'}<a class="btn btn-danger" href={`${base}/delete`} title="Shows how many open deliveries this cancels before doing it">Delete…</a>
    </div>
  );
}

export function EventsText({ s }: { s: PublicSubscription }) {
  if (s.events === null) return <span class="unreadable">unreadable</span>;
  return <>{s.events === '*' ? 'all' : s.events.join(', ')}</>;
}

/** One tbody per subscription: its row, then (when it cannot be shown or used fully) the reason across the table. */
function SubscriptionRows({ s, csrf, tenant }: { s: PublicSubscription; csrf: string; tenant?: string }) {
  return (
    <tbody id={`sub-${s.id}`} class={s.error ? 'broken' : undefined}><tr>
      {'\n'}<td class="col-name" data-label="Name"><strong>{s.name}</strong><div class="muted mono">{s.id}</div>{tenant ? <div class="muted sub-tenant">tenant <a class="mono" href={`?tenant=${encodeURIComponent(tenant)}`}>{tenant}</a></div> : null}<a href={`/deliveries?subscription=${encodeURIComponent(s.id)}`}>deliveries</a></td>
      {'\n'}<td class="col-format" data-label="Format">{s.format ?? <span class="unreadable">unknown</span>}{s.mode ? <div class="muted">mode {s.mode}</div> : null}</td>
      {'\n'}<td class="col-url mono" data-label="URL"><span class="trunc" title={s.url}>{s.url}</span></td>
      {'\n'}<td class="col-events" data-label="Events"><EventsText s={s} />{s.events !== null && s.retrySchedule ? <div class="muted">retries {s.retrySchedule.join(', ')}</div> : null}</td>
      {'\n'}<td class="col-state" data-label="State"><StateBadge s={s} />{s.error ? <div><ProblemBadge reason={s.error} /></div> : null}</td>
      {'\n'}<td class="col-cred" data-label="Credential"><CredentialCell s={s} /></td>
      {'\n'}<td class="col-actions" data-label="Actions"><RowActions s={s} csrf={csrf} /></td>
    </tr>{s.error ? <tr class="row-problem"><td colSpan={7} data-label="Problem"><strong>Cannot be used as it is:</strong> {s.error}</td></tr> : null}</tbody>
  );
}

function SubscriptionList({ subs, csrf, owners }: { subs: PublicSubscription[]; csrf: string; owners?: Map<string, string> | null }) {
  if (subs.length === 0) return <EmptyState text="No subscription yet: create the first one below." />;
  return (
    <>
      <h2>All subscriptions</h2>
      <div class="table-wrap"><table id="subscriptions" class="cards">
        <thead><tr><th class="col-name">Name</th><th class="col-format">Format</th><th class="col-url">URL</th><th class="col-events">Events</th>
          <th class="col-state">State</th><th class="col-cred">Credential</th><th class="col-actions">Actions</th></tr></thead>
        {subs.map((s) => <SubscriptionRows s={s} csrf={csrf} tenant={owners?.get(s.id)} />)}
      </table></div>
    </>
  );
}

export interface SubscriptionsPageProps {
  subscriptions: PublicSubscription[];
  health: SubscriptionHealth[];
  sort: HealthSort;
  csrf: string;
  /** The create form as posted, with the errors that sent it back. */
  form?: PostedForm;
  errors?: FieldError[];
  /** The platform operator's global view: each subscription's tenant. */
  owners?: Map<string, string> | null;
}

export function SubscriptionsPage({ subscriptions, health, sort, csrf, form, errors, owners }: SubscriptionsPageProps) {
  return (
    <>
      <h1>Subscriptions</h1>
      <HealthTable list={health} sort={sort} />
      <SubscriptionList subs={subscriptions} csrf={csrf} owners={owners} />
      {owners ? <p class="muted" id="create-tenant-note">A subscription created here belongs to the tenant <code>default</code>: choose a tenant at the top to create it in another.</p> : null}
      <IfCanAct><NewSubscriptionForm csrf={csrf} form={form} errors={errors} /></IfCanAct>
    </>
  );
}
