// A subscription's credential in the web interface: what its format sends during a rotation (both signatures, or
// one credential with the new one pending until its time or "Activate now"), the rotate and activate forms, and their
// POSTs. The new value is shown once, on the result page; a stored value never is.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { getSubscription, type PublicSubscription, type RevealedSubscription } from '../../infra/db/subscriptions';
import { rotationOf } from '../../domain/formats/format';
import { getFormat } from '../../domain/formats/registry';
import {
  activateCredential,
  rotateAuthorizationChecked,
  rotateSecretChecked,
  rotationPhrase,
  type RotateOutcome,
} from '../../app/subscriptions/rotation';
import { actionButton, csrfField, html, timeTag, type SafeHtml } from './layout';
import { redirectWithFlash, sendError, sendPage, sessionOf, type UiDeps } from './respond';
import type { PostedForm } from './subscriptionForm';

type Kind = 'secret' | 'authorization';

const kindOf = (s: PublicSubscription): Kind | null => (s.format ? getFormat(s.format).credential.kind : null);
const overlaps = (s: PublicSubscription): boolean => s.format !== null && rotationOf(getFormat(s.format)) === 'overlap';
const noun = (kind: Kind) => (kind === 'secret' ? 'secret' : 'Authorization value');

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

/** The current state of the credential: count, grace period, pending value. */
function credentialState(s: PublicSubscription, kind: Kind): SafeHtml {
  const pending = s.pendingCredential;
  const pendingText = pending
    ? html`<p class="pending" id="pending-credential"><strong>A new ${noun(kind)} is pending.</strong> The current one is still sent
        ${pending.activateAt ? html`until ${timeTag(pending.activateAt)}, when the new one replaces it.` : 'until you activate the new one.'}</p>`
    : '';
  if (kind === 'authorization') {
    return html`<p class="muted">${s.hasAuthorization ? 'An Authorization value is set (never shown).' : 'No Authorization value is set.'}</p>${pendingText}`;
  }
  if (s.secretCount === null) return html`<p class="muted">The stored secret cannot be read: replace it.</p>${pendingText}`;
  const grace = s.secretExpiresAt ? html` Both sign until ${timeTag(s.secretExpiresAt)}, then only the newer one.` : '';
  return html`<p class="muted">${s.secretCount} live secret${s.secretCount === 1 ? '' : 's'}.${grace}</p>${pendingText}`;
}

/** The optional activation time (UTC) of a pending rotation. */
function activateAtField(): SafeHtml {
  return html`<label class="activate-at">Activate at (UTC, optional) <input type="datetime-local" name="activateAt" step="60">
    <span class="hint">Empty: the current one is sent until you press “Activate now”.</span></label>`;
}

function rotateForm(s: PublicSubscription, kind: Kind, csrf: string): SafeHtml {
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  if (kind === 'secret' && (overlaps(s) || s.secretCount === null)) {
    return actionButton({ action: `${base}/rotate-secret`, label: 'Rotate secret', csrf, confirm: rotateConfirm(s) });
  }
  const action = kind === 'secret' ? `${base}/rotate-secret` : `${base}/authorization`;
  return html`<form class="rotate-form" method="post" action="${action}" data-confirm="${rotateConfirm(s)}">${csrfField(csrf)}
    ${kind === 'authorization' ? html`<label>New Authorization value <input name="authorization" autocomplete="off" required maxlength="4000"></label>` : ''}
    ${activateAtField()}
    <button type="submit" class="btn">${kind === 'secret' ? 'Rotate secret' : 'Rotate Authorization'}</button></form>`;
}

/** The confirmation before a rotation: what the receiver will get, and when. */
export function rotateConfirm(s: PublicSubscription): string {
  if (kindOf(s) === 'secret' && s.secretCount === null) return 'Replace the unreadable signing secret with a new one? The receiver must be given the new secret.';
  if (overlaps(s)) return 'Generate a new signing secret? Both the current and the new one sign every request during the grace period.';
  return `Generate a new ${noun(kindOf(s) ?? 'secret')}? It is shown once and kept pending: the current one is still sent until the time you chose or until you activate the new one.`;
}

/** The side card of the edit page. */
export function credentialCard(s: PublicSubscription, csrf: string): SafeHtml {
  const kind = kindOf(s);
  if (kind === null) return html``;
  const base = `/subscriptions/${encodeURIComponent(s.id)}`;
  return html`<section class="card" id="credential"><h2>${kind === 'secret' ? 'Signing secret' : 'Authorization value'}</h2>
    ${credentialState(s, kind)}
    <p class="muted" id="rotation-behaviour">${rotationBehaviour(s)} A new ${noun(kind)} is shown once.</p>
    ${rotateForm(s, kind, csrf)}
    ${s.pendingCredential ? actionButton({
      action: `${base}/activate-credential`, label: 'Activate now', csrf, kind: 'primary',
      confirm: `Send the new ${noun(kind)} from now on? The current one stops at once: the receiver must already have the new one.`,
    }) : ''}
  </section>`;
}

/** The list's short credential summary. */
export function credentialSummary(s: PublicSubscription): SafeHtml {
  if (!s.pendingCredential) return html``;
  const at = s.pendingCredential.activateAt;
  return html`<div class="muted">new ${noun(s.pendingCredential.kind)} pending${at ? html` until ${timeTag(at)}` : ' until activated'}</div>`;
}

/** "2026-12-05T10:30" from a datetime-local field, read as UTC; empty: none. */
function activateAtOf(form: PostedForm): string | undefined {
  const raw = typeof form.activateAt === 'string' ? form.activateAt.trim() : '';
  if (!raw) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) ? `${raw.length === 16 ? `${raw}:00` : raw}Z` : raw;
}

function revealPage(req: Request, res: Response, title: string, r: RevealedSubscription): void {
  const shown = r.secret ?? r.authorization;
  const label = r.secret ? 'Signing secret' : 'Authorization value';
  sendPage(req, res, { title, active: 'subscriptions', flash: { kind: 'ok', text: title } }, html`
    <h1>${r.subscription.name}</h1>
    <section class="secret" id="revealed"><p><strong>${label}</strong> — copy it now: it is shown only this once.</p><p><code>${shown}</code></p></section>
    <p id="rotation-outcome">${rotationPhrase(r)}</p>
    <p><a class="btn" href="/subscriptions/${encodeURIComponent(r.subscription.id)}/edit">Back to the subscription</a></p>`);
}

function rotationFailed(req: Request, res: Response, outcome: Exclude<RotateOutcome, { ok: true }>, id: string): void {
  if (outcome.reason === 'not_found') return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
  const text = outcome.reason === 'wrong_credential' ? `${outcome.format} subscriptions have no ${outcome.kind === 'authorization' ? 'signing secret' : 'Authorization value'} to rotate.`
    : outcome.reason === 'unreadable_format' ? `The subscription's format is unreadable: ${outcome.error}`
      : `Nothing was rotated: ${outcome.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  redirectWithFlash(req, res, `/subscriptions/${encodeURIComponent(id)}/edit`, { kind: 'error', text });
}

export function credentialRoutes(deps: UiDeps, chains: { action: RequestHandler[] }): Router {
  const router = Router();
  const rotationDeps = { pool: deps.pool, box: deps.box, graceMs: deps.config.HRHOOKS_ROTATION_GRACE };
  const done = (req: Request, res: Response, title: string, outcome: RotateOutcome) => {
    const id = req.params.id as string;
    if (!outcome.ok) return rotationFailed(req, res, outcome, id);
    deps.log.info({ subscriptionId: id, by: sessionOf(res)!.name, pending: outcome.rotated.subscription.pendingCredential !== null }, 'credential rotated from the web interface');
    revealPage(req, res, title, outcome.rotated);
  };

  router.post('/subscriptions/:id/rotate-secret', ...chains.action, async (req, res) => {
    const activateAt = activateAtOf(req.body as PostedForm);
    done(req, res, 'Secret rotated', await rotateSecretChecked(rotationDeps, req.params.id as string, activateAt ? { activateAt } : {}));
  });

  router.post('/subscriptions/:id/authorization', ...chains.action, async (req, res) => {
    const form = req.body as PostedForm;
    const authorization = typeof form.authorization === 'string' ? form.authorization.trim() : '';
    const activateAt = activateAtOf(form);
    const existing = await getSubscription(deps.pool, deps.box, req.params.id as string);
    if (!existing) return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    if (!authorization) return redirectWithFlash(req, res, `/subscriptions/${encodeURIComponent(existing.id)}/edit`, { kind: 'error', text: 'Type the new Authorization value.' });
    done(req, res, 'Authorization rotated', await rotateAuthorizationChecked(rotationDeps, existing.id, { authorization, ...(activateAt ? { activateAt } : {}) }));
  });

  router.post('/subscriptions/:id/activate-credential', ...chains.action, async (req, res) => {
    const id = req.params.id as string;
    const outcome = await activateCredential(deps, id);
    if (!outcome.ok && outcome.reason === 'not_found') return sendError(req, res, 404, 'Not found', 'There is no such subscription.');
    const text = outcome.ok ? 'The new credential is sent from now on; the previous one no longer.' : 'Nothing is pending: there is nothing to activate.';
    redirectWithFlash(req, res, `/subscriptions/${encodeURIComponent(id)}/edit`, { kind: outcome.ok ? 'ok' : 'error', text });
  });
  return router;
}
