// Who may frame a page and show which images: the gateway's CSP (helmet, ../api/app.ts) says frame-ancestors
// 'none' and X-Frame-Options DENY for everything; a portal session's pages (and its link's answer) may be framed
// by the tenant's portal origins only, and a tenant's logo may come from its own origin. Edits this response's
// CSP header, nothing else.
import type { Response } from 'express';

/** Only exact origins (scheme://host[:port]) reach the header: nothing else can be written into it. */
function cleanOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin === value.replace(/\/$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}

function editCsp(res: Response, edit: (directives: Map<string, string>) => void): void {
  const current = res.getHeader('content-security-policy');
  if (typeof current !== 'string') return;
  const directives = new Map<string, string>();
  for (const part of current.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const space = trimmed.indexOf(' ');
    directives.set(space < 0 ? trimmed : trimmed.slice(0, space), space < 0 ? '' : trimmed.slice(space + 1));
  }
  edit(directives);
  res.setHeader('content-security-policy', [...directives].map(([name, value]) => (value ? `${name} ${value}` : name)).join(';'));
}

/** This response may be framed by these origins (none valid: it stays unframable). */
export function allowFramingBy(res: Response, origins: readonly string[]): void {
  const allowed = origins.map(cleanOrigin).filter((o): o is string => o !== null);
  if (allowed.length === 0) return;
  editCsp(res, (d) => d.set('frame-ancestors', allowed.join(' ')));
  res.removeHeader('x-frame-options');
}

/** This response may show images from the origin of `url` (a tenant's logo). */
export function allowImagesFrom(res: Response, url: string | null): void {
  const origin = url && !url.startsWith('data:') ? cleanOrigin(new URL(url).origin) : null;
  if (!origin) return;
  editCsp(res, (d) => d.set('img-src', `${d.get('img-src') ?? "'self'"} ${origin}`));
}
