// The frame of every web-interface page: the document and its head, the top bar (brand, navigation with the
// current page marked, the signed-in operator and the sign-out form), the one-shot flash message, then the page.
// The caller (../respond.ts) says who is signed in and which flash to show; the stylesheet and scripts are
// files of their own (../staticAssets.ts), allowed by the CSP as 'self'.
import type { ComponentChildren } from 'preact';
import { assets } from '../staticAssets';
import { CsrfField } from './forms';
import { FlashMessage, type Flash } from './notices';

export type NavItem = 'todo' | 'deliveries' | 'subscriptions';

export interface Operator {
  name: string;
  csrf: string;
}

export interface LayoutProps {
  title: string;
  /** Signed-in operator; absent on the sign-in page. */
  who?: Operator;
  flash?: Flash | null;
  active?: NavItem;
  children?: ComponentChildren;
}

const NAV: { key: NavItem; href: string; label: string }[] = [
  { key: 'todo', href: '/', label: 'To-do' },
  { key: 'deliveries', href: '/deliveries', label: 'Deliveries' },
  { key: 'subscriptions', href: '/subscriptions', label: 'Subscriptions' },
];

function Nav({ active }: { active?: NavItem }) {
  return (
    <nav class="nav">
      {NAV.map((item) => <a href={item.href} aria-current={item.key === active ? 'page' : undefined}>{item.label}</a>)}
    </nav>
  );
}

function SignOut({ who }: { who: Operator }) {
  return (
    <form class="signout" method="post" action="/logout">
      <span class="who" title="signed in with this admin API key">{who.name}</span>{' '}
      <CsrfField token={who.csrf} /><button class="link" type="submit">Sign out</button>
    </form>
  );
}

export function Layout({ title, who, flash, active, children }: LayoutProps) {
  const { stylesheet, scripts } = assets();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <title>{`${title} · hrhooks`}</title>
        <link rel="stylesheet" href={stylesheet.href} />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">hrhooks</a>
          {who ? <><Nav active={active} /><SignOut who={who} /></> : null}
        </header>
        <main>
          {flash ? <FlashMessage flash={flash} /> : null}
          {children}
        </main>
        {scripts.map((script) => <script type="module" src={script.href} />)}
      </body>
    </html>
  );
}
