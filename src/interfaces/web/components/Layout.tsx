// The frame of every web-interface page: the document and its head, the top bar (brand — the tenant's own in a
// tenant's scope —, navigation with the current page marked, the platform operator's tenant filter, the
// signed-in operator and the sign-out form), the one-shot flash message, then the page. The caller
// (../respond.tsx) says who is signed in, in which tenant, and which flash to show; the stylesheets and scripts
// are files of their own (../staticAssets.ts, the tenant's /branding.css), allowed by the CSP as 'self'.
import type { ComponentChildren } from 'preact';
import { assets } from '../staticAssets';
import { CsrfField } from './forms';
import { FlashMessage, type Flash } from './notices';

export type NavItem = 'todo' | 'deliveries' | 'subscriptions' | 'audit';

export interface Operator {
  name: string;
  csrf: string;
  /** A portal viewer: sees everything, may not act. */
  readOnly?: boolean;
}

export interface TenantChoice {
  id: string;
  name: string;
}

/** The tenant the page shows, as its top bar names it. */
export interface TenantFrame {
  id: string;
  name: string;
  logoUrl: string | null;
  /** The tenant's stylesheet (its accent colour), when it has one. */
  stylesheet: string | null;
  /** It has branding of its own (name, logo or accent): the top bar shows it instead of hrhooks. */
  branded: boolean;
}

/** The platform operator's tenant filter: every live tenant, the one shown (none: all). */
export interface PlatformFrame {
  choices: TenantChoice[];
  selected: string | null;
  /** The page the filter reloads (its path, without query). */
  path: string;
}

export interface LayoutProps {
  title: string;
  /** Signed-in operator; absent on the sign-in page. */
  who?: Operator;
  flash?: Flash | null;
  active?: NavItem;
  /** The tenant in scope (its branding in a tenant's own session, its name under the platform filter). */
  tenant?: TenantFrame | null;
  /** Present for a platform operator. */
  platform?: PlatformFrame | null;
  /** The platform's page a portal session goes back to. */
  returnUrl?: string | null;
  children?: ComponentChildren;
}

const NAV: { key: NavItem; href: string; label: string }[] = [
  { key: 'todo', href: '/', label: 'To-do' },
  { key: 'deliveries', href: '/deliveries', label: 'Deliveries' },
  { key: 'subscriptions', href: '/subscriptions', label: 'Subscriptions' },
  { key: 'audit', href: '/audit', label: 'Audit' },
];

/** A viewer's session has no audit trail to open (it names operators and their addresses). */
function Nav({ active, readOnly }: { active?: NavItem; readOnly?: boolean }) {
  return (
    <nav class="nav">
      {NAV.filter((item) => !(readOnly && item.key === 'audit')).map((item) => <a href={item.href} aria-current={item.key === active ? 'page' : undefined}>{item.label}</a>)}
    </nav>
  );
}

function SignOut({ who }: { who: Operator }) {
  return (
    <form class="signout" method="post" action="/logout">
      {who.readOnly ? <span class="badge badge-readonly" title="a viewer's session: everything is shown, nothing can be changed">read-only</span> : null}
      <span class="who" title="signed in as">{who.name}</span>{' '}
      <CsrfField token={who.csrf} /><button class="link" type="submit">Sign out</button>
    </form>
  );
}

/** Platform operators: show one tenant (its rows, as it sees them) or all, and open the UI as that tenant. */
function TenantFilter({ platform, csrf }: { platform: PlatformFrame; csrf: string }) {
  const selected = platform.selected;
  return (
    <div class="tenant-bar" id="tenant-filter">
      <form method="get" action={platform.path} class="tenant-form">
        <label>Tenant <select name="tenant">
          <option value="">All tenants</option>
          {platform.choices.map((t) => <option value={t.id} selected={t.id === selected}>{t.name === t.id ? t.id : `${t.name} (${t.id})`}</option>)}
        </select></label>
        <button class="btn btn-small" type="submit">Show</button>
      </form>
      {selected
        ? (
          <form method="post" action={`/tenants/${encodeURIComponent(selected)}/open`} class="tenant-form">
            <CsrfField token={csrf} />
            <button class="btn btn-small" type="submit" id="open-as-tenant">Open as this tenant</button>
          </form>
        )
        : null}
    </div>
  );
}

function Brand({ tenant }: { tenant?: TenantFrame | null }) {
  if (!tenant?.branded) {
    const named = tenant && tenant.id !== 'default' ? <span class="tenant-name">{tenant.name}</span> : null;
    return <><a class="brand" href="/">hrhooks</a>{named}</>;
  }
  return (
    <a class="brand brand-tenant" href="/">
      {tenant.logoUrl ? <img class="brand-logo" src={tenant.logoUrl} alt="" /> : null}
      <span>{tenant.name}</span>
    </a>
  );
}

export function Layout({ title, who, flash, active, tenant, platform, returnUrl, children }: LayoutProps) {
  const { stylesheet, scripts } = assets();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <title>{`${title} · ${tenant?.branded && !platform ? tenant.name : 'hrhooks'}`}</title>
        <link rel="stylesheet" href={stylesheet.href} />
        {tenant?.stylesheet ? <link rel="stylesheet" href={tenant.stylesheet} /> : null}
      </head>
      <body>
        <header class="top">
          {returnUrl ? <a class="back-link" href={returnUrl} target="_top" id="portal-back">← Back</a> : null}
          <Brand tenant={platform ? null : tenant} />
          {who ? <><Nav active={active} readOnly={who.readOnly} /><SignOut who={who} /></> : null}
        </header>
        {who && platform ? <TenantFilter platform={platform} csrf={who.csrf} /> : null}
        <main>
          {flash ? <FlashMessage flash={flash} /> : null}
          {children}
        </main>
        {scripts.map((script) => <script type="module" src={script.href} />)}
      </body>
    </html>
  );
}
