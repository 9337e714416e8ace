// CSRF defence for every web-interface POST: a per-session token (derived from the session's secret nonce,
// sent in a hidden field) plus an Origin/Referer check. SameSite=Strict cookies are the third layer.
// Behind a trusted proxy (HRHOOKS_TRUST_PROXY) our own host is the one it forwards (X-Forwarded-Host).
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { sendError, sessionOf } from './respond';

/** Stable for a session, unguessable without the sealed cookie's nonce. */
export function csrfTokenFor(nonce: string): string {
  return crypto.createHash('sha256').update(`hrhooks-ui-csrf\0${nonce}`, 'utf8').digest('base64url');
}

/** The request came from one of our own pages (Origin, else Referer; browsers send one of them on POST). */
export function sameOrigin(req: Request): boolean {
  const source = req.get('origin') ?? req.get('referer');
  if (!source) return true;
  try {
    return new URL(source).host === req.host;
  } catch {
    return false;
  }
}

function tokensMatch(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export const checkCsrf: RequestHandler = (req, res, next) => {
  const session = sessionOf(res);
  if (session && sameOrigin(req) && tokensMatch(req.body?._csrf, session.csrf)) return next();
  sendError(req, res, 403, 'Refused', 'This form is stale or came from another site (CSRF check failed). Nothing was done; reload the page and try again.');
};
