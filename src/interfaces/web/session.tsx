// Sign-in with a platform key (the global interface) or a tenant's ADMIN key (that tenant's) → a session cookie
// (opened, found and closed by ../../app/access/uiSessions.ts: sealed, holding the key's id, a nonce and the
// expiry, never the clear key; the session itself lives in Postgres, so signing out ends it on every gateway and
// for good). Portal sessions (./portal.tsx) have no key. Every request then gets its tenant scope (loadSession):
// the session's tenant, or the platform operator's filter. Failed sign-ins are throttled per address by the same
// rule as bad API keys (../../app/access/authenticateKey.ts). A viewer's POST is refused here, whatever it is.
import { Router, urlencoded, type Request, type RequestHandler, type Response } from 'express';
import { findUiSession, closeUiSession, UI_SESSION_TTL_MS } from '../../app/access/uiSessions';
import { signIn } from '../../app/access/signIn';
import { shownBranding } from '../../app/portal/branding';
import { resolveUiScope, tenantChoices } from '../../app/portal/uiScope';
import { AuthThrottledError, clientAddress } from '../api/auth';
import { sendProblem } from '../api/errors';
import { csrfTokenFor, sameOrigin } from './csrf';
import { allowFramingBy, allowImagesFrom } from './portalFraming';
import { readCookies, sendError, sendPage, sessionOf, setCookie, type RequestScope, type UiDeps, type UiSession } from './respond';

export const SESSION_COOKIE = 'hrhooks_session';
/** The platform operator's tenant filter: set by ?tenant= (empty: all tenants), kept for the session's pages and forms. */
export const TENANT_FILTER_COOKIE = 'hrhooks_tenant';

/** The tenant a platform operator asks for: ?tenant= (remembered), else the remembered one. */
function requestedTenant(req: Request, res: Response): { id: unknown; explicit: boolean } {
  const asked = req.query.tenant;
  if (typeof asked === 'string' && req.method === 'GET') {
    setCookie(req, res, TENANT_FILTER_COOKIE, asked.slice(0, 64), asked ? UI_SESSION_TTL_MS / 1000 : 0);
    return { id: asked, explicit: asked !== '' };
  }
  return { id: asked ?? readCookies(req)[TENANT_FILTER_COOKIE], explicit: asked !== undefined };
}

export const formBody = urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

/**
 * Puts the operator on res.locals when the cookie is genuine and its session live, then the request's tenant
 * scope; a portal session's answers may be framed by its tenant's portal origins. A platform operator naming an
 * unknown tenant in ?tenant= gets 404 (a remembered filter whose tenant is gone shows every tenant).
 */
export function loadSession(deps: UiDeps): RequestHandler {
  return async (req, res, next) => {
    const raw = readCookies(req)[SESSION_COOKIE];
    const session = raw ? await findUiSession(deps, raw) : null;
    if (!session) return next();
    res.locals.uiSession = { ...session, csrf: csrfTokenFor(session.nonce) } satisfies UiSession;
    const requested = session.tenantId === null ? requestedTenant(req, res) : { id: undefined, explicit: false };
    const scope = await resolveUiScope(deps, session.tenantId, requested.id);
    if (!scope) return next();
    const choices = scope.platform ? await tenantChoices(deps) : null;
    res.locals.uiScope = { scope, choices } satisfies RequestScope;
    if (scope.tenant && !scope.platform) allowImagesFrom(res, shownBranding(scope.tenant).logoUrl);
    if (session.portal && scope.tenant) allowFramingBy(res, scope.tenant.portalOrigins);
    if (scope.platform && requested.explicit && !scope.tenant) return sendError(req, res, 404, 'Not found', `There is no tenant ${String(requested.id).slice(0, 64)}.`);
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

/** Actions: a viewer's session sees everything and changes nothing → 403, whatever the action. */
export const refuseViewer: RequestHandler = (req, res, next) => {
  if (sessionOf(res)?.role !== 'viewer') return next();
  sendError(req, res, 403, 'Read-only', 'This session may look but not act (a viewer\'s portal link). Nothing was done.');
};

/** Platform operators only (the global interface): anyone else gets 404, as for a page that is not there. */
export const requirePlatformSession: RequestHandler = (req, res, next) => {
  const session = sessionOf(res);
  if (session && session.tenantId === null && !session.portal) return next();
  sendError(req, res, 404, 'Not found', 'There is no such page.');
};

function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/|\\)/.test(value) && !value.startsWith('/login') ? value : '/';
}

function LoginForm({ next, error }: { next: string; error?: string }) {
  return (
    <div class="card login">
      <h1>Sign in</h1>
      <p class="muted">Use an <strong>admin</strong> API key (a tenant's, or a platform key for every tenant). It is checked once and never stored in your browser.</p>
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

function SignedOut({ returnUrl }: { returnUrl: string | null }) {
  return (
    <div class="card">
      <h1>Signed out</h1>
      <p>This follow-up screen is closed. Open it again from your HR product.</p>
      {returnUrl ? <p><a class="btn" href={returnUrl} target="_top">Back</a></p> : null}
    </div>
  );
}

/** Ends the session cookie in both forms it may have (SameSite=Strict, and a framed portal's partitioned one). */
function clearSessionCookie(req: Request, res: Response): void {
  setCookie(req, res, SESSION_COOKIE, '', 0, false);
  if (req.secure) setCookie(req, res, SESSION_COOKIE, '', 0, true);
}

/** `chains.signOut` is what POST /logout runs first (form body, session required, CSRF checked; viewers too). */
export function sessionRoutes(deps: UiDeps, chains: { load: RequestHandler; signOut: RequestHandler[] }): Router {
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
        setCookie(req, res, SESSION_COOKIE, outcome.cookieValue, UI_SESSION_TTL_MS / 1000, false);
        deps.log.info({ apiKeyId: outcome.keyId }, 'web interface sign-in');
        return res.redirect(303, next);
    }
  });

  router.post('/logout', ...chains.signOut, async (req, res) => {
    const session = sessionOf(res)!;
    await closeUiSession(deps, session.nonce);
    clearSessionCookie(req, res);
    if (!session.portal) return res.redirect(303, '/login');
    res.locals.uiSession = undefined;
    sendPage(req, res, { title: 'Signed out' }, <SignedOut returnUrl={session.returnUrl} />);
  });
  return router;
}
