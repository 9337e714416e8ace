// The embedded follow-up portal's doors in the web interface: GET /portal/open?token=… uses a portal link's
// single-use token and opens a browser session of its tenant and role (../../app/portal/portalLinks.ts), then
// goes to the to-do list; a used, expired or forged token gets a page saying so and no session. A platform
// operator opens the interface as one tenant (POST /tenants/:id/open mints a link and follows it). The tenant's
// stylesheet (its accent colour) is served at /branding.css.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { createPortalLink, openPortalLink, type OpenOutcome } from '../../app/portal/portalLinks';
import { brandingStylesheet, shownBranding } from '../../app/portal/branding';
import { resolveUiScope } from '../../app/portal/uiScope';
import { PORTAL_SESSION_TTL_MS } from '../../app/access/uiSessions';
import { allowFramingBy } from './portalFraming';
import { requestScopeOf, sendError, sessionOf, setCookie, type UiDeps } from './respond';
import { SESSION_COOKIE } from './session';

const REFUSALS: Record<Exclude<OpenOutcome, { ok: true }>['reason'], { status: number; title: string; text: string }> = {
  unknown: { status: 403, title: 'This link is not valid', text: 'This portal link is not one we issued. No session was opened. Open the follow-up screen again from your HR product.' },
  used: { status: 410, title: 'This link was already used', text: 'A portal link opens once. No session was opened. Open the follow-up screen again from your HR product to get a new link.' },
  expired: { status: 410, title: 'This link has expired', text: 'Portal links work for a few minutes only. No session was opened. Open the follow-up screen again from your HR product to get a new link.' },
};

/** Opened inside a frame (the platform's page), or — by the Fetch Metadata the browser sends — at the top. */
function framed(req: Request): boolean {
  const dest = req.get('sec-fetch-dest');
  return dest === undefined || dest === 'iframe' || dest === 'frame';
}

async function refuse(deps: UiDeps, req: Request, res: Response, outcome: Exclude<OpenOutcome, { ok: true }>): Promise<void> {
  if (outcome.tenantId) {
    const scope = await resolveUiScope(deps, outcome.tenantId, undefined);
    if (scope?.tenant) allowFramingBy(res, scope.tenant.portalOrigins);
  }
  const { status, title, text } = REFUSALS[outcome.reason];
  sendError(req, res, status, title, text, false);
}

export function portalRoutes(deps: UiDeps, chains: { load: RequestHandler; platformAction: RequestHandler[] }): Router {
  const router = Router();

  router.get('/portal/open', async (req, res) => {
    res.set('cache-control', 'no-store');
    const outcome = await openPortalLink(deps, req.query.token);
    if (!outcome.ok) return refuse(deps, req, res, outcome);
    setCookie(req, res, SESSION_COOKIE, outcome.cookieValue, PORTAL_SESSION_TTL_MS / 1000, framed(req));
    deps.log.info({ tenant: outcome.tenantId, role: outcome.role }, 'portal session opened');
    res.redirect(303, '/');
  });

  router.post('/tenants/:tenant/open', ...chains.platformAction, async (req, res) => {
    const scope = await resolveUiScope(deps, null, req.params.tenant);
    if (!scope?.tenant) return sendError(req, res, 404, 'Not found', 'There is no such tenant.');
    const link = await createPortalLink(deps, scope.tenant, { role: 'admin' }, { baseUrl: `${req.protocol}://${req.host}`, createdBy: sessionOf(res)!.name });
    if (!link.ok) return sendError(req, res, 400, 'Not opened', link.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    deps.log.info({ tenant: scope.tenant.id, by: sessionOf(res)!.name }, 'platform operator opened the interface as a tenant');
    const url = new URL(link.url);
    res.redirect(303, url.pathname + url.search); // this gateway's own page, whatever HRHOOKS_PUBLIC_URL says
  });

  router.get('/branding.css', chains.load, (req, res) => {
    const tenant = requestScopeOf(res)?.scope.tenant;
    if (!tenant) return res.status(404).type('text/css').send('/* no tenant */\n');
    res.type('text/css; charset=utf-8').set('cache-control', 'private, max-age=31536000, immutable').send(brandingStylesheet(shownBranding(tenant)));
  });
  return router;
}
