// Bearer API-key authentication and scope checks on the API: the key goes through the one rule for any
// presented key (../../app/access/authenticateKey.ts: the failed-auth throttle per client address, proxy-aware
// req.ip). Producer keys may only post events; admin keys act in their tenant; platform keys everywhere.
// Never logs the presented key.
import type { Request, RequestHandler, Response } from 'express';
import { authenticateKey, throttleAddress, type AuthDeps } from '../../app/access/authenticateKey';
import type { ApiKey, Scope } from '../../infra/db/apiKeys';
import { ForbiddenError, ProblemError, UnauthorizedError } from './errors';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The address failures are counted under: the client's (as Express sees it through trusted proxies). */
export function clientAddress(req: Request): string {
  return throttleAddress(req.ip ?? req.socket.remoteAddress);
}

export class AuthThrottledError extends ProblemError {
  constructor(retryAfterSeconds: number) {
    super(429, 'Too Many Requests', `too many failed authentications from this address; retry in ${retryAfterSeconds} s`, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

export function authenticate(deps: AuthDeps): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) return next(new UnauthorizedError());
    const outcome = await authenticateKey(deps, match[1]!, clientAddress(req));
    if (outcome.kind === 'throttled') return next(new AuthThrottledError(outcome.retryAfterSeconds));
    if (outcome.kind === 'unknown') return next(new UnauthorizedError('unknown or revoked API key'));
    res.locals.apiKey = outcome.key;
    next();
  };
}

/** What each scope may also do: a platform key all an admin key may, an admin key all a producer key may. */
const INCLUDES: Record<Scope, readonly Scope[]> = { platform: ['platform', 'admin', 'producer'], admin: ['admin', 'producer'], producer: ['producer'] };

export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey | undefined;
    if (!key) return next(new UnauthorizedError());
    if (INCLUDES[key.scope].includes(scope)) return next();
    next(new ForbiddenError(`this route needs ${scope === 'admin' ? 'an admin' : `a ${scope}`} key; this key has scope ${key.scope}`));
  };
}

export function callerOf(res: Response): ApiKey {
  return res.locals.apiKey as ApiKey;
}
