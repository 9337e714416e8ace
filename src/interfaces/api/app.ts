// Builds the gateway's Express app from injected deps (no listening here: server.ts does that).
// Middleware order: security headers → codec server (own auth) → request log → health → audit trail → auth → rate limit → JSON body → routes → errors.
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { ApiKey } from '../../infra/db/apiKeys';
import type { Logger } from '../../infra/observability/log';
import { httpDuration, httpRequests } from '../../infra/observability/metrics';
import { authenticate } from './auth';
import { auditApi } from './auditTrail';
import { resolveTenant, tenantPaths } from './tenantContext';
import { startEventStarter } from '../../app/ingest/starter';
import type { AppDeps, RouteDeps } from './deps';
import { MAX_NESTING_DEPTH } from '../../domain/events/nestingDepth';
import { unstorableText } from '../../domain/events/storableText';
import { errorHandler, notFoundHandler, storableParams, TooManyRequestsError, UnsupportedMediaTypeError, ValidationError } from './errors';
import { codecRouter } from './routes/codec';
import { dashboardRouter } from './routes/dashboard';
import { deliveriesRouter } from './routes/deliveries';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';
import { auditRouter } from './routes/audit';
import { keysRouter } from './routes/keys';
import { portalRouter } from './routes/portal';
import { privacyRouter } from './routes/privacy';
import { subscriptionsRouter } from './routes/subscriptions';
import { tenantsRouter } from './routes/tenants';

export type { AppDeps } from './deps';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Every security header of the gateway, the web interface's pages included, and nowhere else. The CSP
 * allows nothing but our own stylesheet and scripts (files under /assets, no inline code or style
 * attribute), images of our own or data:, forms posting to us; no framing, no <base>.
 */
export const SECURITY_HEADERS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' },
};

function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      httpDuration.observe({ method: req.method, route }, seconds);
      const key = res.locals.apiKey as ApiKey | undefined;
      log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000), key: key?.name }, 'request');
    });
    next();
  };
}

const jsonOnly: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(JSON_TYPES)) return next(new UnsupportedMediaTypeError());
  next();
};

/**
 * Iterative, so a hostile nesting depth becomes a 400 here before recursive code (zod, JSON.stringify)
 * sees it. Also refuses, in any value or key, text Postgres cannot store (U+0000, a lone surrogate).
 */
const boundedBody: RequestHandler = (req, _res, next) => {
  const stack: [unknown, number, string][] = [[req.body, 0, '']];
  while (stack.length > 0) {
    const [node, depth, field] = stack.pop()!;
    const unstorable = typeof node === 'string' ? unstorableText(node) : null;
    if (unstorable) return next(new ValidationError([{ field: field || '(body)', message: unstorable }]));
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) {
      const message = `nested deeper than ${MAX_NESTING_DEPTH} levels`;
      return next(new ValidationError([{ field: '(body)', message }], `the body is ${message}`));
    }
    for (const [key, child] of Object.entries(node)) {
      const path = field ? `${field}.${key}` : key;
      const badKey = unstorableText(key);
      if (badKey) return next(new ValidationError([{ field: field || '(body)', message: `keys ${badKey}` }]));
      stack.push([child, depth + 1, path]);
    }
  }
  next();
};

function perKeyRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.apiKey as ApiKey).id,
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      next(new TooManyRequestsError(seconds));
    },
  });
}

export function createApp(deps: AppDeps): Express {
  const starter = deps.starter ?? startEventStarter(deps, { redriveIntervalMs: 0, fairness: deps.config.HRHOOKS_FAIRNESS === 'on' });
  const routeDeps: RouteDeps = { ...deps, starter, allow: deps.config.egressAllow };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.HRHOOKS_TRUST_PROXY);
  app.use(helmet(SECURITY_HEADERS));
  app.use(codecRouter(routeDeps)); // its own auth, CORS and request log (a Web UI token may be in its paths)
  app.use(requestLog(deps.log));
  app.use(healthRouter(routeDeps));
  app.use(tenantPaths);
  app.use(auditApi(deps)); // records each mutating request once answered (./auditActions.ts)
  app.use('/v1', authenticate(deps), perKeyRateLimit(deps.config.HRHOOKS_RATE_LIMIT), resolveTenant(deps.pool));
  app.use('/v1', jsonOnly, express.json({ limit: deps.config.HRHOOKS_MAX_BODY, type: JSON_TYPES }), boundedBody);
  app.use(['/v1/subscriptions/:id', '/v1/deliveries/:id'], storableParams);
  app.use(tenantsRouter(routeDeps));
  app.use(eventsRouter(routeDeps));
  app.use(subscriptionsRouter(routeDeps));
  app.use(deliveriesRouter(routeDeps));
  app.use(dashboardRouter(routeDeps));
  app.use(keysRouter(routeDeps));
  app.use(portalRouter(routeDeps));
  app.use(auditRouter(routeDeps));
  app.use(privacyRouter(routeDeps));
  if (deps.ui) app.use(deps.ui);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
