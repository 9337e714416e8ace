// Bearer API-key authentication and scope checks, and the one rule for any presented key (API or sign-in):
// refused with 429 while its client address (proxy-aware req.ip; an IPv6 address counts as its /64) has
// too many recent failures, shared through Postgres; an unknown or revoked key counts as a failure, a
// good one costs no extra round trip. Producer keys may only post events. Never logs the presented key.
import type { Request, RequestHandler, Response } from 'express';
import ipaddr from 'ipaddr.js';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import type { ApiKey, Scope } from '../../infra/db/apiKeys';
import { checkPresentedKey, recordAuthFailure, type FailurePolicy } from '../../infra/db/authFailures';
import { ForbiddenError, ProblemError, UnauthorizedError } from './errors';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface AuthDeps {
  pool: Pool;
  config: Pick<Config, 'HRHOOKS_AUTH_FAILURE_LIMIT' | 'HRHOOKS_AUTH_FAILURE_WINDOW'>;
}

export type KeyOutcome = { kind: 'ok'; key: ApiKey } | { kind: 'unknown' } | { kind: 'throttled'; retryAfterSeconds: number };

/** The address failures are counted under: the client's (as Express sees it through trusted proxies). */
export function clientAddress(req: Request): string {
  const raw = req.ip ?? req.socket.remoteAddress ?? '';
  if (!ipaddr.isValid(raw)) return raw || 'unknown';
  const address = ipaddr.process(raw);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}

function policyOf(deps: AuthDeps): FailurePolicy {
  return { limit: deps.config.HRHOOKS_AUTH_FAILURE_LIMIT, windowMs: deps.config.HRHOOKS_AUTH_FAILURE_WINDOW };
}

/** Checks a presented key from this request's address; a refused key is counted against the address. */
export async function checkKey(deps: AuthDeps, req: Request, presented: string): Promise<KeyOutcome> {
  const address = clientAddress(req);
  const policy = policyOf(deps);
  const checked = await checkPresentedKey(deps.pool, presented, address, policy);
  if (checked.retryAfterSeconds !== null) return { kind: 'throttled', retryAfterSeconds: checked.retryAfterSeconds };
  if (checked.key) return { kind: 'ok', key: checked.key };
  const retryAfterSeconds = await recordAuthFailure(deps.pool, address, policy);
  return retryAfterSeconds === null ? { kind: 'unknown' } : { kind: 'throttled', retryAfterSeconds };
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
    const outcome = await checkKey(deps, req, match[1]!);
    if (outcome.kind === 'throttled') return next(new AuthThrottledError(outcome.retryAfterSeconds));
    if (outcome.kind === 'unknown') return next(new UnauthorizedError('unknown or revoked API key'));
    res.locals.apiKey = outcome.key;
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
