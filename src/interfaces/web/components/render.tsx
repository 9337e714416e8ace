// Server-side rendering of the web interface's components: typed JSX (preact) rendered to an HTML string.
// Every text and attribute value is escaped by the renderer; markup is only ever written as components.
// No I/O, no browser code here (the browser's scripts are files of their own, served as assets).
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole HTML document: the doctype, then the page's root element. */
export function renderPage<P>(page: VNode<P>): string {
  return `<!doctype html>${renderToString(page)}`;
}

/** A fragment of markup (a component), for a caller that embeds it in a page being built. */
export function renderFragment(children: ComponentChildren): string {
  return renderToString(<>{children}</>);
}
