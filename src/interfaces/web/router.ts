// The follow-up web interface, mounted at / next to the JSON API: wires session, tenant scope, CSRF and the pages.
// Every page needs a signed-in operator (else 302 /login); every POST also needs the CSRF token (else 401/403)
// and an operator who may act (a portal viewer gets 403). Each page runs its use cases in the request's tenant
// scope (respond.tsx inScope: row-level security).
import { Router, type ErrorRequestHandler } from 'express';
import { storableParams, toProblem } from '../api/errors';
import { auditRoutes } from './auditPage';
import { auditWeb } from './auditTrail';
import { bulkRoutes } from './bulkActions';
import { checkCsrf } from './csrf';
import { deliveriesRoutes } from './deliveriesPage';
import { deliveryRoutes } from './deliveryPage';
import { faviconRoutes } from './favicon';
import { portalRoutes } from './portal';
import { assetRoutes } from './staticAssets';
import { sendError, type UiDeps } from './respond';
import { formBody, loadSession, refuseViewer, requireActionSession, requirePageSession, requirePlatformSession, sessionRoutes } from './session';
import { subscriptionRoutes } from './subscriptions/router';
import { todoRoutes } from './todoPage';

export type { UiDeps } from './respond';

export function createUiRouter(deps: UiDeps): Router {
  const load = loadSession(deps);
  const signOut = [formBody, load, requireActionSession, checkCsrf];
  const chains = {
    load,
    page: [load, requirePageSession],
    action: [formBody, load, requireActionSession, refuseViewer, checkCsrf],
    signOut,
    platformAction: [...signOut, requirePlatformSession],
  };
  const router = Router();
  router.use(auditWeb(deps)); // records each action once answered (../api/auditActions.ts WEB_AUDIT)
  router.use(faviconRoutes());
  router.use(assetRoutes());
  router.use(sessionRoutes(deps, chains));
  router.use(portalRoutes(deps, chains));
  router.use(['/subscriptions/:id', '/deliveries/:id'], storableParams);
  router.use(todoRoutes(deps, chains));
  router.use(bulkRoutes(deps, chains));
  router.use(deliveriesRoutes(deps, chains));
  router.use(deliveryRoutes(deps, chains));
  router.use(subscriptionRoutes(deps, chains));
  router.use(auditRoutes(deps, chains));

  const renderError: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err);
    if (problem.status >= 500) deps.log.error({ err: { name: err?.name, message: err?.message }, path: req.path }, 'web interface request failed');
    const text = problem.status >= 500 ? 'Something went wrong on our side; it has been logged. Try again in a moment.' : problem.message;
    sendError(req, res, problem.status, problem.title, text);
  };
  router.use(renderError);
  return router;
}
