// A subscription's credential in the web interface: what its format sends during a rotation (both signatures, or
// one credential with the new one pending until its time or "Activate now"), the rotate and activate forms, the
// list's short summary and the page that shows a new value once. A stored value is never shown. Pure components.
import { rotationOf } from '../../../domain/formats/format';
import { getFormat } from '../../../domain/formats/registry';
import type { PublicSubscription } from '../../../domain/subscriptions/publicSubscription';
import type { RevealedSubscription } from '../../../infra/db/subscriptions';
import { useCanAct } from '../components/acting';
import { ActionButton, CsrfField } from '../components/forms';
import { Time } from '../components/Time';

type Kind = 'secret' | 'authorization';

const kindOf = (s: PublicSubscription): Kind | null => (s.format ? getFormat(s.format).credential.kind : null);
const overlaps = (s: PublicSubscription): boolean => s.format !== null && rotationOf(getFormat(s.format)) === 'overlap';
const noun = (kind: Kind) => (kind === 'secret' ? 'secret' : 'Authorization value');
const pathOf = (s: { id: string }) => `/subscriptions/${encodeURIComponent(s.id)}`;

/** What the format sends while a rotation is under way, in one or two sentences. */
export function rotationBehaviour(s: PublicSubscription): string {
  if (kindOf(s) === 'authorization') {
    return 'Each request carries one Authorization value. A new value is kept pending: the current one is sent until the time you choose, or until you activate the new one once the receiver has it.';
  }
  if (overlaps(s)) {
    return 'Each request carries one signature per live secret: after a rotation both the new and the previous secret sign until the grace period ends, so the receiver accepts either.';
  }
  return 'Each request carries one MS-Signature, signed with one secret. A new secret is kept pending: the current one keeps signing until the time you choose, or until you activate the new one once the receiver has it.';
}

/** The confirmation before a rotation: what the receiver will get, and when. */
export function rotateConfirm(s: PublicSubscription): string {
  if (kindOf(s) === 'secret' && s.secretCount === null) return 'Replace the unreadable signing secret with a new one? The receiver must be given the new secret.';
  if (overlaps(s)) return 'Generate a new signing secret? Both the current and the new one sign every request during the grace period.';
  return `Generate a new ${noun(kindOf(s) ?? 'secret')}? It is shown once and kept pending: the current one is still sent until the time you chose or until you activate the new one.`;
}

function PendingNote({ s, kind }: { s: PublicSubscription; kind: Kind }) {
  const pending = s.pendingCredential;
  if (!pending) return null;
  return (
    <p class="pending" id="pending-credential"><strong>A new {noun(kind)} is pending.</strong> The current one is still sent{' '}
      {pending.activateAt ? <>until <Time iso={pending.activateAt} />, when the new one replaces it.</> : 'until you activate the new one.'}</p>
  );
}

/** The current state of the credential: count, grace period, pending value. */
function CredentialState({ s, kind }: { s: PublicSubscription; kind: Kind }) {
  let state;
  if (kind === 'authorization') state = <p class="muted">{s.hasAuthorization ? 'An Authorization value is set (never shown).' : 'No Authorization value is set.'}</p>;
  else if (s.secretCount === null) state = <p class="muted">The stored secret cannot be read: replace it.</p>;
  else {
    state = (
      <p class="muted">{s.secretCount} live secret{s.secretCount === 1 ? '' : 's'}.
        {s.secretExpiresAt ? <> Both sign until <Time iso={s.secretExpiresAt} />, then only the newer one.</> : null}</p>
    );
  }
  return <>{state}<PendingNote s={s} kind={kind} /></>;
}

function RotateForm({ s, kind, csrf }: { s: PublicSubscription; kind: Kind; csrf: string }) {
  const base = pathOf(s);
  if (!useCanAct()) return null;
  if (kind === 'secret' && (overlaps(s) || s.secretCount === null)) {
    return <ActionButton action={`${base}/rotate-secret`} label="Rotate secret" csrf={csrf} confirm={rotateConfirm(s)} />;
  }
  return (
    <form class="rotate-form" method="post" action={kind === 'secret' ? `${base}/rotate-secret` : `${base}/authorization`} data-confirm={rotateConfirm(s)}>
      <CsrfField token={csrf} />
      {kind === 'authorization' ? <label>New Authorization value <input name="authorization" autocomplete="off" required maxlength={4000} /></label> : null}
      <label class="activate-at">Activate at (UTC, optional) <input type="datetime-local" name="activateAt" step="60" />
        <span class="hint">Empty: the current one is sent until you press “Activate now”.</span></label>
      <button type="submit" class="btn">{kind === 'secret' ? 'Rotate secret' : 'Rotate Authorization'}</button>
    </form>
  );
}

/** The side card of the edit page. */
export function CredentialCard({ s, csrf }: { s: PublicSubscription; csrf: string }) {
  const kind = kindOf(s);
  if (kind === null) return null;
  return (
    <section class="card" id="credential"><h2>{kind === 'secret' ? 'Signing secret' : 'Authorization value'}</h2>
      {'\n'}<CredentialState s={s} kind={kind} />
      {'\n'}<p class="muted" id="rotation-behaviour">{rotationBehaviour(s)} A new {noun(kind)} is shown once.</p>
      {'\n'}<RotateForm s={s} kind={kind} csrf={csrf} />
      {'\n'}{s.pendingCredential ? (
        <ActionButton action={`${pathOf(s)}/activate-credential`} label="Activate now" csrf={csrf} kind="primary"
          confirm={`Send the new ${noun(kind)} from now on? The current one stops at once: the receiver must already have the new one.`} />
      ) : null}
    </section>
  );
}

/** The list's short credential summary. */
export function CredentialSummary({ s }: { s: PublicSubscription }) {
  if (!s.pendingCredential) return null;
  const at = s.pendingCredential.activateAt;
  return <div class="muted">new {noun(s.pendingCredential.kind)} pending{at ? <> until <Time iso={at} /></> : ' until activated'}</div>;
}

/** A new secret or Authorization value, shown this once (after a create or a rotation). */
export function Revealed({ r, outcome, back }: { r: RevealedSubscription; outcome?: string; back: { href: string; label: string } }) {
  const shown = r.secret ?? r.authorization;
  return (
    <>
      <h1>{r.subscription.name}</h1>
      {shown ? (
        <section class="secret" id="revealed"><p><strong>{r.secret ? 'Signing secret' : 'Authorization value'}</strong> — copy it now: it is shown only this once.</p><p><code>{shown}</code></p></section>
      ) : <p class="muted">This subscription has no secret or authorization value.</p>}
      {outcome ? <p id="rotation-outcome">{outcome}</p> : null}
      <p><a class="btn" href={back.href}>{back.label}</a></p>
    </>
  );
}
