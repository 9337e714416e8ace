// The web interface's one audit door: each POST action (and opening a portal link) is recorded once answered,
// as ../api/auditActions.ts WEB_AUDIT maps its route. The actor is the session (a key's, or a portal session's
// name and role); signing in takes it from the session just opened, signing out from the one about to end. An
// action answered with an error message (a 303 whose flash is an error) is recorded as refused.
import type { RequestHandler, Response } from 'express';
import { findUiSession, type OpenedUiSession } from '../../app/access/uiSessions';
import { tenantOfTarget, type AuditActor } from '../../app/audit/record';
import { WEB_AUDIT, describeAction, matchAuditRoute } from '../api/auditActions';
import { beforeAnswer, bodyObject, outcomeOf, recordAnswered } from '../api/auditTrail';
import { readCookies, requestScopeOf, sessionOf, type UiDeps } from './respond';

const SESSION_COOKIE = 'hrhooks_session';

/** A cookie this answer sets (the last value given). */
function cookieSet(res: Response, name: string): string | null {
  const lines = ([] as unknown[]).concat(res.getHeader('set-cookie') ?? []).map(String);
  const line = lines.reverse().find((l) => l.startsWith(`${name}=`));
  return line ? decodeURIComponent(line.slice(name.length + 1).split(';')[0]!) : null;
}

/** The flash this answer sets says an error. */
function flashIsError(res: Response): boolean {
  const raw = cookieSet(res, 'hrhooks_flash');
  if (!raw) return false;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')).kind === 'error';
  } catch {
    return false;
  }
}

function actorOf(session: Pick<OpenedUiSession, 'keyId' | 'name' | 'role'>): AuditActor {
  return session.keyId === null ? { type: 'portal', name: session.name, role: session.role } : { type: 'session', id: session.keyId, name: session.name };
}

async function sessionOfCookie(deps: UiDeps, value: string | null | undefined): Promise<OpenedUiSession | null> {
  return value ? findUiSession(deps, value) : null;
}

export function auditWeb(deps: UiDeps): RequestHandler {
  return async (req, res, next) => {
    const matched = matchAuditRoute(WEB_AUDIT, req.method, req.path);
    if (!matched?.audit) return next();
    const audit = matched.audit;
    // signing out ends the session before the answer: who it was is read first
    const leaving = audit.action === 'session.sign_out' ? await sessionOfCookie(deps, readCookies(req)[SESSION_COOKIE]).catch(() => null) : null;
    beforeAnswer(res, deps.log, async () => {
      if (res.statusCode === 429) return;
      const opened = audit.action === 'session.sign_in' || audit.action === 'portal.session_opened' ? await sessionOfCookie(deps, cookieSet(res, SESSION_COOKIE)) : null;
      const session = opened ?? sessionOf(res) ?? leaving;
      if (!session && audit.action !== 'session.sign_in') return; // no session: nothing was done, by no one we know
      const location = res.getHeader('location');
      const described = describeAction(audit, { params: matched.params, body: bodyObject(req), response: {}, location: typeof location === 'string' ? location : null });
      const scopeTenant = requestScopeOf(res)?.scope.tenant?.id ?? null;
      const named = described.target?.type === 'tenant' ? described.target.id : null;
      const tenantId = session?.tenantId ?? named ?? scopeTenant ?? (await tenantOfTarget(deps.pool, described.target));
      const outcome = res.statusCode < 400 && flashIsError(res) ? 'refused' : outcomeOf(res.statusCode);
      const actor: AuditActor = session ? actorOf(session) : { type: 'anonymous', name: '(no valid key)' };
      await recordAnswered(deps.pool, req, res, { door: 'web', tenantId, actor, described, outcome });
    });
    next();
  };
}
