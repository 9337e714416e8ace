// The API's one audit door: every mutating request (POST/PATCH/PUT/DELETE) an authenticated key made is recorded
// once it has answered — done or refused — as the action ./auditActions.ts maps its route to, before the answer
// leaves (so a caller reading the trail next sees it). Also the request facts every door records: the client's
// address (proxy-aware req.ip) and the request id a proxy gave.
import ipaddr from 'ipaddr.js';
import type { Request, RequestHandler, Response } from 'express';
import { ownTarget, recordAudit, type AuditActor, type AuditEntry } from '../../app/audit/record';
import type { ApiKey } from '../../infra/db/apiKeys';
import type { Logger } from '../../infra/observability/log';
import type { Tenant } from '../../app/tenants/scope';
import type { Pool } from 'pg';
import { API_AUDIT, describeAction, matchAuditRoute, type AuditInput } from './auditActions';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The client's own address as Express sees it through trusted proxies (IPv4-mapped IPv6 shown as IPv4). */
export function auditAddress(req: Request): string | null {
  const raw = req.ip ?? req.socket.remoteAddress;
  if (!raw) return null;
  return ipaddr.isValid(raw) ? ipaddr.process(raw).toString() : raw.slice(0, 64);
}

/** X-Request-Id as a proxy set it, when it looks like an id. */
export function requestIdOf(req: Request): string | null {
  const id = req.get('x-request-id');
  return id && /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : null;
}

export function outcomeOf(status: number): 'ok' | 'refused' | 'failed' {
  return status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'ok';
}

/**
 * Runs `work` when the answer is complete and before it is sent: res.end waits for it. A failure of `work` is
 * logged; the answer goes out as it was.
 */
export function beforeAnswer(res: Response, log: Logger, work: () => Promise<void>): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let ran = false;
  res.end = ((...args: unknown[]) => {
    if (ran) return end(...args);
    ran = true;
    work()
      .catch((err: unknown) => log.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'audit entry not recorded'))
      .finally(() => end(...args));
    return res;
  }) as Response['end'];
}

/** A request's body as an object (an empty one for anything else): what an action's description reads. */
export function bodyObject(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
}

/**
 * Records an answered action as a door saw it: the action as described, its target only when it is the tenant's
 * own (no echo of another tenant's ids), and the request's facts (status, address, request id).
 */
export async function recordAnswered(
  pool: Pool,
  req: Request,
  res: Response,
  seen: { door: 'api' | 'web'; tenantId: string | null; actor: AuditActor; described: ReturnType<typeof describeAction>; outcome: AuditEntry['outcome'] },
): Promise<void> {
  const { door, tenantId, actor, described, outcome } = seen;
  await recordAudit(pool, {
    tenantId,
    actor,
    ...described,
    target: await ownTarget(pool, tenantId, described.target),
    outcome,
    status: res.statusCode,
    address: auditAddress(req),
    requestId: requestIdOf(req),
    door,
  });
}

/** Keeps a reference to the JSON answer (read for its id and counts only). */
function keepJsonAnswer(res: Response): () => Record<string, unknown> {
  let answer: Record<string, unknown> = {};
  const json = res.json.bind(res);
  res.json = ((body: unknown) => {
    if (body && typeof body === 'object' && !Array.isArray(body)) answer = body as Record<string, unknown>;
    return json(body);
  }) as Response['json'];
  return () => answer;
}

export function auditApi(deps: { pool: Pool; log: Logger }): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method)) return next();
    const matched = matchAuditRoute(API_AUDIT, req.method, req.path);
    if (!matched?.audit) return next();
    const audit = matched.audit;
    const answer = keepJsonAnswer(res);
    beforeAnswer(res, deps.log, async () => {
      const key = res.locals.apiKey as ApiKey | undefined;
      // no key: nothing was attempted by anyone we know (the failed-authentication throttle counts those)
      if (!key || res.statusCode === 429) return;
      const input: AuditInput = { params: matched.params, body: bodyObject(req), response: answer(), location: null };
      const tenant = res.locals.tenant as Tenant | undefined;
      const tenantId = audit.level === 'platform' ? null : (tenant?.id ?? key.tenantId);
      const actor: AuditActor = { type: 'key', id: key.id, name: key.name };
      await recordAnswered(deps.pool, req, res, { door: 'api', tenantId, actor, described: describeAction(audit, input), outcome: outcomeOf(res.statusCode) });
    });
    next();
  };
}
