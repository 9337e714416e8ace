// Legacy string-markup helpers of the web interface, kept while pages are converted to components: the `html`
// template tag (escapes EVERY interpolated value unless it is already SafeHtml) and the old helper functions,
// each now rendering its component from ./components. No I/O. Removed once no page imports it.
import { randomUUID } from 'node:crypto';
import { h, type ComponentChildren } from 'preact';
import type { DeliveryStatus } from '../../../workflows/definitions';
import { ProblemBadge, StatusBadge, StatusCode } from './components/badges';
import { ActionButton, CsrfField, type ActionButtonProps } from './components/forms';
import { Layout, type LayoutProps } from './components/Layout';
import { AttentionBanner, EmptyState, type BrokenSubscription } from './components/notices';
import { renderFragment, renderPage } from './components/render';
import { Time } from './components/Time';

export type { Flash } from './components/notices';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Template tag: literal markup stays, interpolations are escaped (arrays are joined, SafeHtml passes). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): SafeHtml {
  let out = strings[0]!;
  parts.forEach((part, i) => {
    out += render(part) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A component as legacy SafeHtml, for templates not yet converted. */
export function fromComponent(children: ComponentChildren): SafeHtml {
  return new SafeHtml(renderFragment(children));
}

export type PageFrame = Omit<LayoutProps, 'children'>;

/** The whole document around a page body, legacy markup or components. */
export function page(frame: PageFrame, body: SafeHtml | ComponentChildren): string {
  if (!(body instanceof SafeHtml)) return renderPage(h(Layout, frame, body));
  // legacy until every page is a component: the markup goes in where a unique text stands, with no wrapper element
  const slot = `legacy-body-${randomUUID()}`;
  return renderPage(h(Layout, frame, slot)).replace(slot, () => body.value);
}

export function csrfField(token: string): SafeHtml {
  return fromComponent(h(CsrfField, { token }));
}

export function statusBadge(status: DeliveryStatus | string): SafeHtml {
  return fromComponent(h(StatusBadge, { status }));
}

/** An ISO time in <time datetime>, as UTC text; the browser script shows it in the viewer's zone (named), UTC on hover. */
export function timeTag(iso: string | null | undefined): SafeHtml {
  return fromComponent(h(Time, { iso }));
}

export function statusCode(code: number | null | undefined): SafeHtml {
  return fromComponent(h(StatusCode, { code }));
}

/** A POST button with the CSRF field and a JS confirm() (the form still works without JS). */
export function actionButton(opts: ActionButtonProps): SafeHtml {
  return fromComponent(h(ActionButton, opts));
}

export function emptyState(text: string): SafeHtml {
  return fromComponent(h(EmptyState, { text }));
}

/** The error badge of a row that cannot be shown or used fully; the reason is in its title and beside it. */
export function problemBadge(reason: string): SafeHtml {
  return fromComponent(h(ProblemBadge, { reason }));
}

/** A banner naming every subscription that needs attention, linking to each row on the subscriptions page. */
export function attentionBanner(broken: BrokenSubscription[]): SafeHtml {
  return fromComponent(h(AttentionBanner, { broken }));
}
