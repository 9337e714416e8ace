// How every web-interface answer leaves and what it reads back: cookies, the signed-in operator and the tenant
// scope on res.locals, the deps a request runs its use cases with (that scope's: row-level security), the
// one-shot flash message, pages in their frame (never cached), error pages, 303s. The security headers (CSP and
// the rest) are helmet's, set once for the whole gateway (../api/app.ts); a portal session's pages may be
// framed by its tenant's portal origins (./portalFraming.ts).
import crypto from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import type { ComponentChildren } from 'preact';
import { brandingStylesheet, shownBranding } from '../../app/portal/branding';
import { depsInScope, depsOfSubscriptionOwner, type TenantName, type UiScope } from '../../app/portal/uiScope';
import type { SessionRole } from '../../app/access/uiSessions';
import type { CoreDeps } from '../api/deps';
import { ActingContext } from './components/acting';
import { ManyTenantsContext } from './components/tenantColumn';
import { Layout, type LayoutProps, type PlatformFrame, type TenantFrame } from './components/Layout';
import type { Flash } from './components/notices';
import { renderPage } from './components/render';

/** The web pages get what the API routes get (api/deps.ts). */
export type UiDeps = CoreDeps;

export interface UiSession {
  /** The key that opened it; null for a portal session. */
  keyId: string | null;
  name: string;
  nonce: string;
  csrf: string;
  expiresAt: number;
  /** The session's tenant; null: a platform operator (the global interface). */
  tenantId: string | null;
  role: SessionRole;
  portal: boolean;
  returnUrl: string | null;
}

/** The request's tenant scope (./session.tsx loadScope), and for a platform operator the tenants to filter by. */
export interface RequestScope {
  scope: UiScope;
  choices: TenantName[] | null;
}

/** The request's cookies, URL-decoded (the `cookie` package's rules); the first of a repeated name wins. */
export function readCookies(req: Request): Record<string, string | undefined> {
  return parseCookie(req.get('cookie') ?? '');
}

export function sessionOf(res: Response): UiSession | undefined {
  return res.locals.uiSession as UiSession | undefined;
}

export function requestScopeOf(res: Response): RequestScope | undefined {
  return res.locals.uiScope as RequestScope | undefined;
}

/**
 * The deps every page and action runs its use cases with: the session's tenant's rows only (row-level
 * security), or for a platform operator the tenant it filters by, else every tenant's (the global view).
 */
export function inScope<T extends { pool: Pool }>(deps: T, res: Response): T & { tenantId: string } {
  const scoped = requestScopeOf(res);
  if (!scoped) throw new Error('no tenant scope on this request (loadScope did not run)');
  return depsInScope(deps, scoped.scope);
}

/** inScope, except that the global view acts on a subscription in the tenant that owns it (its events go there). */
export function inScopeOfSubscription<T extends { pool: Pool }>(deps: T, res: Response, subscriptionId: string): Promise<T & { tenantId: string }> {
  const scoped = requestScopeOf(res);
  if (!scoped) throw new Error('no tenant scope on this request (loadScope did not run)');
  return depsOfSubscriptionOwner(deps, scoped.scope, subscriptionId);
}

const FLASH_COOKIE = 'hrhooks_flash';

/**
 * Every cookie of ours: whole site, never readable by scripts, Secure over https. Never sent cross-site
 * (SameSite=Strict) except a portal session's over https: framed by the platform's page it is a third-party
 * context, so SameSite=None; Secure; Partitioned (kept under the embedding site only, CHIPS).
 */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number, framed = sessionOf(res)?.portal ?? false): void {
  const crossSite = framed && req.secure;
  res.append('set-cookie', stringifySetCookie({
    name, value, path: '/', httpOnly: true, maxAge: maxAgeSeconds, secure: req.secure,
    sameSite: crossSite ? 'none' : 'strict', ...(crossSite ? { partitioned: true } : {}),
  }));
}

function takeFlash(req: Request, res: Response): Flash | null {
  const raw = readCookies(req)[FLASH_COOKIE];
  if (!raw) return null;
  setCookie(req, res, FLASH_COOKIE, '', 0);
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if ((value.kind === 'ok' || value.kind === 'error') && typeof value.text === 'string') return { kind: value.kind, text: value.text.slice(0, 500) };
  } catch {
    // an unreadable flash is dropped
  }
  return null;
}

/** 303 to a page of ours, with a message shown once at its top. */
export function redirectWithFlash(req: Request, res: Response, location: string, flash: Flash): void {
  setCookie(req, res, FLASH_COOKIE, Buffer.from(JSON.stringify(flash), 'utf8').toString('base64url'), 60);
  res.redirect(303, location);
}

export type PageFrame = Omit<LayoutProps, 'children' | 'who' | 'flash' | 'tenant' | 'platform' | 'returnUrl'> & { flash?: Flash | null };

/** The tenant's stylesheet URL: /branding.css, versioned by its content (cached, never stale). */
export function brandingHref(css: string): string {
  return `/branding.css?v=${crypto.createHash('sha256').update(css).digest('base64url').slice(0, 12)}`;
}

function tenantFrame(scoped: RequestScope | undefined): TenantFrame | null {
  const tenant = scoped?.scope.tenant;
  if (!tenant) return null;
  const shown = shownBranding(tenant);
  const b = tenant.branding ?? {};
  const branded = Boolean(b.name || shown.logoUrl || shown.accentColor);
  return { id: tenant.id, name: shown.name, logoUrl: shown.logoUrl, stylesheet: shown.accentColor ? brandingHref(brandingStylesheet(shown)) : null, branded };
}

function platformFrame(req: Request, scoped: RequestScope | undefined): PlatformFrame | null {
  if (!scoped?.scope.platform) return null;
  return { choices: scoped.choices ?? [], selected: scoped.scope.tenant?.id ?? null, path: req.path };
}

/** A page in the frame, for the signed-in operator if any, with the flash message waiting for it. */
export function sendPage(req: Request, res: Response, frame: PageFrame, body: ComponentChildren, status = 200): void {
  const session = sessionOf(res);
  const scoped = requestScopeOf(res);
  const canAct = session?.role !== 'viewer';
  const props: LayoutProps = {
    ...frame,
    flash: takeFlash(req, res) ?? frame.flash ?? null,
    who: session ? { name: session.name, csrf: session.csrf, readOnly: !canAct } : undefined,
    tenant: tenantFrame(scoped),
    platform: platformFrame(req, scoped),
    returnUrl: session?.returnUrl ?? null,
  };
  const manyTenants = Boolean(scoped?.scope.platform && !scoped.scope.tenant);
  const page = (
    <ActingContext.Provider value={canAct}>
      <ManyTenantsContext.Provider value={manyTenants}><Layout {...props}>{body}</Layout></ManyTenantsContext.Provider>
    </ActingContext.Provider>
  );
  res.status(status).type('html').set('cache-control', 'no-store').send(renderPage(page));
}

function ErrorCard({ title, text, home }: { title: string; text: string; home: boolean }) {
  return (
    <div class="card">
      <h1>{title}</h1>
      <p>{text}</p>
      {home ? <p><a href="/">Back to the to-do list</a></p> : null}
    </div>
  );
}

export function sendError(req: Request, res: Response, status: number, title: string, text: string, home = true): void {
  sendPage(req, res, { title }, <ErrorCard title={title} text={text} home={home} />, status);
}
