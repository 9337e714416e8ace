// Sign-in with an ADMIN API key → a session cookie (opened, found and closed by ../../app/access/uiSessions.ts:
// sealed, holding the key's id, a nonce and the expiry, never the clear key; the session itself lives in
// Postgres, so signing out ends it on every gateway and for good). Failed sign-ins are throttled per address
// by the same rule as bad API keys (../../app/access/authenticateKey.ts).
import { Router, urlencoded, type Request, type RequestHandler, type Response } from 'express';
import { findUiSession, closeUiSession, UI_SESSION_TTL_MS } from '../../app/access/uiSessions';
import { signIn } from '../../app/access/signIn';
import { AuthThrottledError, clientAddress } from '../api/auth';
import { sendProblem } from '../api/errors';
import { csrfTokenFor, sameOrigin } from './csrf';
import { readCookies, sendError, sendPage, sessionOf, setCookie, type UiDeps, type UiSession } from './respond';

export const SESSION_COOKIE = 'hrhooks_session';

export const formBody = urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

/** Puts the operator on res.locals when the cookie is genuine, its session live, and its key still an admin key. */
export function loadSession(deps: UiDeps): RequestHandler {
  return async (req, res, next) => {
    const raw = readCookies(req)[SESSION_COOKIE];
    const session = raw ? await findUiSession(deps, raw) : null;
    if (session) res.locals.uiSession = { ...session, csrf: csrfTokenFor(session.nonce) } satisfies UiSession;
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

function LoginForm({ next, error }: { next: string; error?: string }) {
  return (
    <div class="card login">
      <h1>Sign in</h1>
      <p class="muted">Use an <strong>admin</strong> API key. It is checked once and never stored in your browser.</p>
      {error ? <p class="flash flash-error" role="alert">{error}</p> : null}
      <form method="post" action="/login">
        <input type="hidden" name="next" value={next} />
        <label>Admin API key <input type="password" name="key" autocomplete="current-password" required autofocus /></label>
        <p><button class="btn btn-primary" type="submit">Sign in</button></p>
      </form>
    </div>
  );
}

function sendLogin(req: Request, res: Response, next: string, error?: string, status = 200): void {
  sendPage(req, res, { title: 'Sign in' }, <LoginForm next={next} error={error} />, status);
}

/** `chains.action` is what every POST runs first (form body, session required, CSRF checked). */
export function sessionRoutes(deps: UiDeps, chains: { load: RequestHandler; action: RequestHandler[] }): Router {
  const router = Router();
  router.get('/login', chains.load, (req, res) => {
    if (sessionOf(res)) return res.redirect(302, safeNext(req.query.next));
    sendLogin(req, res, safeNext(req.query.next));
  });

  router.post('/login', formBody, async (req, res) => {
    if (!sameOrigin(req)) return sendError(req, res, 403, 'Refused', 'This form was posted from another site.');
    const next = safeNext(req.body?.next);
    const presented = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const outcome = await signIn(deps, presented, clientAddress(req));
    switch (outcome.kind) {
      case 'throttled':
        if (!req.accepts('html')) return sendProblem(res, new AuthThrottledError(outcome.retryAfterSeconds));
        res.set('retry-after', String(outcome.retryAfterSeconds));
        return sendLogin(req, res, next, `Too many failed sign-ins from your address: try again in ${outcome.retryAfterSeconds} s.`, 429);
      case 'unknown':
        return sendLogin(req, res, next, 'Unknown or revoked API key.', 401);
      case 'notAdmin':
        return sendLogin(req, res, next, 'This is a producer key: only an admin key can sign in.', 403);
      case 'signedIn':
        setCookie(req, res, SESSION_COOKIE, outcome.cookieValue, UI_SESSION_TTL_MS / 1000);
        deps.log.info({ apiKeyId: outcome.keyId }, 'web interface sign-in');
        return res.redirect(303, next);
    }
  });

  router.post('/logout', ...chains.action, async (req, res) => {
    await closeUiSession(deps, sessionOf(res)!.nonce);
    setCookie(req, res, SESSION_COOKIE, '', 0);
    res.redirect(303, '/login');
  });
  return router;
}
