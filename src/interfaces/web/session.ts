// Sign-in with an ADMIN API key → a session cookie sealed with the SecretBox (AES-GCM under HRHOOKS_SECRET_KEY)
// holding the key's id, a random nonce and an expiry, never the clear key. The session itself lives in Postgres
// (src/infra/db/uiSessions.ts): signing out ends it on every gateway and for good. Failed sign-ins are throttled per
// address by the same rule as bad API keys (../auth.ts).
import crypto from 'node:crypto';
import { Router, urlencoded, type RequestHandler } from 'express';
import { createUiSession, endUiSession, liveUiSession } from '../../infra/db/uiSessions';
import { AuthThrottledError, checkKey } from '../api/auth';
import { sendProblem } from '../api/errors';
import { csrfTokenFor, sameOrigin } from './csrf';
import { html } from './layout';
import { readCookies, sendError, sendPage, sessionOf, setCookie, type UiDeps, type UiSession } from './respond';

export const SESSION_COOKIE = 'hrhooks_session';
const SESSION_TTL_MS = 12 * 3_600_000;

export const formBody = urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

function openCookie(deps: UiDeps, value: string): { keyId: string; nonce: string; expiresAt: number } | null {
  try {
    const parsed = JSON.parse(deps.box.open(Buffer.from(value, 'base64url').toString('utf8')));
    if (typeof parsed.k !== 'string' || typeof parsed.n !== 'string' || typeof parsed.e !== 'number') return null;
    if (parsed.e <= Date.now()) return null;
    return { keyId: parsed.k, nonce: parsed.n, expiresAt: parsed.e };
  } catch {
    return null;
  }
}

/** Puts the operator on res.locals when the cookie is genuine, its session live, and its key still an admin key. */
export function loadSession(deps: UiDeps): RequestHandler {
  return async (req, res, next) => {
    const raw = readCookies(req)[SESSION_COOKIE];
    const opened = raw ? openCookie(deps, raw) : null;
    if (opened) {
      const key = await liveUiSession(deps.pool, opened.nonce, opened.keyId);
      if (key) {
        res.locals.uiSession = { ...opened, name: key.name, csrf: csrfTokenFor(opened.nonce) } satisfies UiSession;
      }
    }
    next();
  };
}

/** Pages: no session → 302 to the sign-in page, remembering where the operator was going. */
export const requirePageSession: RequestHandler = (req, res, next) => {
  if (sessionOf(res)) return next();
  res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Actions: no session → 401 and nothing happens. */
export const requireActionSession: RequestHandler = (req, res, next) => {
  if (sessionOf(res)) return next();
  sendError(req, res, 401, 'Sign in first', 'This action needs a signed-in administrator. Nothing was done.');
};

function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/|\\)/.test(value) && !value.startsWith('/login') ? value : '/';
}

function loginForm(next: string, error?: string) {
  return html`<div class="card login">
    <h1>Sign in</h1>
    <p class="muted">Use an <strong>admin</strong> API key. It is checked once and never stored in your browser.</p>
    ${error ? html`<p class="flash flash-error" role="alert">${error}</p>` : ''}
    <form method="post" action="/login">
      <input type="hidden" name="next" value="${next}">
      <label>Admin API key <input type="password" name="key" autocomplete="current-password" required autofocus></label>
      <p><button class="btn btn-primary" type="submit">Sign in</button></p>
    </form>
  </div>`;
}

/** `chains.action` is what every POST runs first (form body, session required, CSRF checked). */
export function sessionRoutes(deps: UiDeps, chains: { load: RequestHandler; action: RequestHandler[] }): Router {
  const router = Router();
  router.get('/login', chains.load, (req, res) => {
    if (sessionOf(res)) return res.redirect(302, safeNext(req.query.next));
    sendPage(req, res, { title: 'Sign in' }, loginForm(safeNext(req.query.next)));
  });

  router.post('/login', formBody, async (req, res) => {
    if (!sameOrigin(req)) return sendError(req, res, 403, 'Refused', 'This form was posted from another site.');
    const next = safeNext(req.body?.next);
    const presented = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const outcome = presented ? await checkKey(deps, req, presented) : ({ kind: 'unknown' } as const);
    if (outcome.kind === 'throttled') {
      if (!req.accepts('html')) return sendProblem(res, new AuthThrottledError(outcome.retryAfterSeconds));
      res.set('retry-after', String(outcome.retryAfterSeconds));
      return sendPage(req, res, { title: 'Sign in' }, loginForm(next, `Too many failed sign-ins from your address: try again in ${outcome.retryAfterSeconds} s.`), 429);
    }
    if (outcome.kind === 'unknown') return sendPage(req, res, { title: 'Sign in' }, loginForm(next, 'Unknown or revoked API key.'), 401);
    const key = outcome.key;
    if (key.scope !== 'admin') {
      return sendPage(req, res, { title: 'Sign in' }, loginForm(next, 'This is a producer key: only an admin key can sign in.'), 403);
    }
    const expiresAt = Date.now() + SESSION_TTL_MS;
    const nonce = crypto.randomBytes(18).toString('base64url');
    await createUiSession(deps.pool, nonce, key.id, expiresAt);
    const sealed = deps.box.seal(JSON.stringify({ k: key.id, n: nonce, e: expiresAt }));
    setCookie(req, res, SESSION_COOKIE, Buffer.from(sealed, 'utf8').toString('base64url'), SESSION_TTL_MS / 1000);
    deps.log.info({ apiKeyId: key.id }, 'web interface sign-in');
    res.redirect(303, next);
  });

  router.post('/logout', ...chains.action, async (req, res) => {
    await endUiSession(deps.pool, sessionOf(res)!.nonce);
    setCookie(req, res, SESSION_COOKIE, '', 0);
    res.redirect(303, '/login');
  });
  return router;
}
