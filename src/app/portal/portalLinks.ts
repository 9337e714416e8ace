// Portal links: a platform (or the tenant's admin) asks for a link that opens the follow-up interface scoped to
// one tenant, with a role, for a short while; the link carries a single-use token (256 random bits, stored
// only as its SHA-256). Opening it uses the token and opens a browser session of that tenant and role.
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
import { DurationError, parseDuration } from '../../domain/delivery/ladder';
import { insertPortalToken, usePortalToken, type PortalRole, type UnusableToken } from '../../infra/db/portalTokens';
import { findTenant, type Tenant } from '../../infra/db/tenants';
import { openPortalUiSession, type CookieValue, type UiSessionDeps } from '../access/uiSessions';

export type { PortalRole, UnusableToken };

export const PORTAL_ROLES: readonly PortalRole[] = ['admin', 'viewer'];
export const DEFAULT_LINK_TTL_MS = 15 * 60_000;
export const MAX_LINK_TTL_MS = 3_600_000;
const MIN_LINK_TTL_MS = 10_000;
/** Where a portal link lands: GET with the token in the query (never in a path the request log writes). */
export const PORTAL_OPEN_PATH = '/portal/open';

/** The request body as the OpenAPI document shows it (checked by createPortalLink, field by field). */
export const portalLinkRequestDoc = z.strictObject({
  role: z.enum(['admin', 'viewer']).optional().describe('admin (default): acts; viewer: sees everything, cannot act'),
  ttl: z.string().optional().describe('how long the link may wait to be opened: 10s–1h, e.g. "15m" (default)'),
  returnUrl: z.string().optional().describe('a page on one of the tenant\'s portalOrigins, shown as "Back" in the portal'),
});

export interface PortalLinkRequest {
  role?: unknown;
  ttl?: unknown;
  returnUrl?: unknown;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type PortalLinkOutcome = { ok: true; url: string; expiresAt: string } | { ok: false; problems: FieldProblem[] };

/** The link lifetime asked for, in ms, or why it cannot be. */
function ttlOf(value: unknown): number | FieldProblem {
  if (value === undefined || value === null) return DEFAULT_LINK_TTL_MS;
  const problem = (message: string) => ({ field: 'ttl', message });
  if (typeof value !== 'string') return problem('a duration such as "15m"');
  try {
    const ms = parseDuration(value);
    if (ms < MIN_LINK_TTL_MS || ms > MAX_LINK_TTL_MS) return problem('between 10s and 1h');
    return ms;
  } catch (err) {
    return problem(err instanceof DurationError ? err.message : 'a duration such as "15m"');
  }
}

/** returnUrl: absent, or an http(s) URL on one of the tenant's portal origins. */
export function returnUrlOf(value: unknown, tenant: Pick<Tenant, 'portalOrigins'>): string | null | FieldProblem {
  if (value === undefined || value === null || value === '') return null;
  const problem = { field: 'returnUrl', message: 'an http(s) URL on one of the tenant\'s portalOrigins' };
  if (typeof value !== 'string' || value.length > 2000) return problem;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return problem;
    return tenant.portalOrigins.includes(url.origin) ? url.href : problem;
  } catch {
    return problem;
  }
}

const isProblem = (v: unknown): v is FieldProblem => typeof v === 'object' && v !== null && 'field' in v;

/** Where links are based: HRHOOKS_PUBLIC_URL when set, else the origin the request came to (proxy-aware). */
export function linkBase(publicUrl: string | undefined, requestOrigin: string): string {
  return publicUrl ?? requestOrigin;
}

/** A new single-use link into `tenant`'s portal, based at `baseUrl` (the gateway as browsers reach it). */
export async function createPortalLink(
  deps: { pool: Pool },
  tenant: Tenant,
  request: PortalLinkRequest,
  opts: { baseUrl: string; createdBy: string },
): Promise<PortalLinkOutcome> {
  const role = request.role === undefined ? 'admin' : request.role;
  const ttl = ttlOf(request.ttl);
  const returnUrl = returnUrlOf(request.returnUrl, tenant);
  const problems: FieldProblem[] = [];
  if (!PORTAL_ROLES.includes(role as PortalRole)) problems.push({ field: 'role', message: 'one of "admin", "viewer"' });
  if (isProblem(ttl)) problems.push(ttl);
  if (isProblem(returnUrl)) problems.push(returnUrl);
  if (problems.length || isProblem(ttl) || isProblem(returnUrl)) return { ok: false, problems };
  const token = `hpt_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttl);
  await insertPortalToken(deps.pool, token, { tenantId: tenant.id, role: role as PortalRole, returnUrl, createdBy: opts.createdBy, expiresAt });
  const url = new URL(PORTAL_OPEN_PATH, `${opts.baseUrl.replace(/\/+$/, '')}/`);
  url.searchParams.set('token', token);
  return { ok: true, url: url.href, expiresAt: expiresAt.toISOString() };
}

/** createPortalLink for a tenant named by id (the CLI); null when there is no such live tenant. */
export async function createPortalLinkById(
  deps: { pool: Pool },
  tenantId: string,
  request: PortalLinkRequest,
  opts: { baseUrl: string; createdBy: string },
): Promise<PortalLinkOutcome | null> {
  const tenant = await findTenant(deps.pool, tenantId);
  return tenant ? createPortalLink(deps, tenant, request, opts) : null;
}

export type OpenOutcome = ({ ok: true; tenantId: string; role: PortalRole } & CookieValue) | ({ ok: false } & UnusableToken);

/** Uses the link's token (once) and opens the browser session it grants. */
export async function openPortalLink(deps: UiSessionDeps, token: unknown): Promise<OpenOutcome> {
  if (typeof token !== 'string' || !/^hpt_[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'unknown', tenantId: null };
  const used = await usePortalToken(deps.pool, token);
  if ('reason' in used) return { ok: false, ...used };
  const name = `${used.role === 'viewer' ? 'Viewer' : 'Admin'} · portal`;
  const cookie = await openPortalUiSession(deps, { tenantId: used.tenantId, role: used.role, name, returnUrl: used.returnUrl });
  return { ok: true, tenantId: used.tenantId, role: used.role, ...cookie };
}
