// Bearer API-key authentication and scope checks. Producer keys may only post events; admin keys
// may do everything. Never logs the presented key.
import type { RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import { findApiKey, type ApiKey, type Scope } from '../db/apiKeys';
import { ForbiddenError, UnauthorizedError } from './errors';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function authenticate(pool: Pool): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) return next(new UnauthorizedError());
    const key = await findApiKey(pool, match[1]!);
    if (!key) return next(new UnauthorizedError('unknown or revoked API key'));
    res.locals.apiKey = key;
    next();
  };
}

export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey | undefined;
    if (!key) return next(new UnauthorizedError());
    if (key.scope === 'admin' || key.scope === scope) return next();
    next(new ForbiddenError(`this route needs an ${scope} key; this key has scope ${key.scope}`));
  };
}

export function callerOf(res: Response): ApiKey {
  return res.locals.apiKey as ApiKey;
}
