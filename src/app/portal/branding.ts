// A tenant's branding as the web interface shows it: only what is safe to put in a stylesheet and an <img>.
// The accent is a hex colour (anything else falls back to ours); the logo an http(s) URL or a base64 data:image.
// Pure.
import type { TenantBranding } from '../../infra/db/tenants';

export interface ShownBranding {
  name: string;
  logoUrl: string | null;
  accentColor: string | null;
}

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

function safeLogo(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  try {
    if (/^data:image\/(png|gif|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(value)) return value;
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function shownBranding(tenant: { name: string; branding: TenantBranding }): ShownBranding {
  const b = tenant.branding ?? {};
  const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim().slice(0, 80) : tenant.name;
  const accent = typeof b.accentColor === 'string' && HEX_COLOUR.test(b.accentColor.trim()) ? b.accentColor.trim() : null;
  return { name, logoUrl: safeLogo(b.logoUrl), accentColor: accent };
}

/** The tenant's stylesheet: the accent as the custom property every page's styles read. */
export function brandingStylesheet(branding: ShownBranding): string {
  if (!branding.accentColor) return '/* no accent of its own */\n';
  return `:root { --accent:${branding.accentColor}; --brand-accent:${branding.accentColor}; }\n`;
}
