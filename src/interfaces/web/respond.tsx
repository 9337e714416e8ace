// How every web-interface answer leaves and what it reads back: cookies, the signed-in operator on res.locals,
// the one-shot flash message, pages in their frame (never cached), error pages, 303s. The security headers
// (CSP and the rest) are helmet's, set once for the whole gateway (../api/app.ts).
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { CoreDeps } from '../api/deps';
import type { ComponentChildren } from 'preact';
import { Layout, type LayoutProps } from './components/Layout';
import type { Flash } from './components/notices';
import { renderPage } from './components/render';

/** The web pages get what the API routes get (api/deps.ts). */
export type UiDeps = CoreDeps;

export interface UiSession {
  keyId: string;
  name: string;
  nonce: string;
  csrf: string;
  expiresAt: number;
}

/** The request's cookies, URL-decoded (the `cookie` package's rules); the first of a repeated name wins. */
export function readCookies(req: Request): Record<string, string | undefined> {
  return parseCookie(req.get('cookie') ?? '');
}

export function sessionOf(res: Response): UiSession | undefined {
  return res.locals.uiSession as UiSession | undefined;
}

const FLASH_COOKIE = 'hrhooks_flash';

/** Every cookie of ours: whole site, never readable by scripts, never sent cross-site, Secure over https. */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number): void {
  res.append('set-cookie', stringifySetCookie({ name, value, path: '/', httpOnly: true, sameSite: 'strict', maxAge: maxAgeSeconds, secure: req.secure }));
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

export type PageFrame = Omit<LayoutProps, 'children' | 'who' | 'flash'> & { flash?: Flash | null };

/** A page in the frame, for the signed-in operator if any, with the flash message waiting for it. */
export function sendPage(req: Request, res: Response, frame: PageFrame, body: ComponentChildren, status = 200): void {
  const session = sessionOf(res);
  const props = { ...frame, flash: takeFlash(req, res) ?? frame.flash ?? null, who: session ? { name: session.name, csrf: session.csrf } : undefined };
  res.status(status).type('html').set('cache-control', 'no-store').send(renderPage(<Layout {...props}>{body}</Layout>));
}

function ErrorCard({ title, text }: { title: string; text: string }) {
  return (
    <div class="card">
      <h1>{title}</h1>
      <p>{text}</p>
      <p><a href="/">Back to the to-do list</a></p>
    </div>
  );
}

export function sendError(req: Request, res: Response, status: number, title: string, text: string): void {
  sendPage(req, res, { title }, <ErrorCard title={title} text={text} />, status);
}
