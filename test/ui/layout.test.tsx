// The page frame and the shared pieces as components: the current page is marked in the navigation, the
// operator's name is text (never markup), the sign-out form carries the CSRF field, the flash shows once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionButton } from '../../src/interfaces/web/components/forms';
import { Layout } from '../../src/interfaces/web/components/Layout';
import { renderFragment, renderPage } from '../../src/interfaces/web/components/render';
import { Time } from '../../src/interfaces/web/components/Time';

test('the frame marks the current page, escapes the operator and carries the sign-out CSRF field', () => {
  const out = renderPage(
    <Layout title="To-do" who={{ name: '<b>Alice</b>', csrf: 'tok-1' }} active="deliveries" flash={{ kind: 'ok', text: 'Done.' }}>
      <h1>Body</h1>
    </Layout>,
  );
  assert.match(out, /^<!doctype html><html lang="en">/);
  assert.match(out, /<title>To-do · hrhooks<\/title>/);
  assert.match(out, /<a href="\/deliveries" aria-current="page">Deliveries<\/a>/);
  assert.match(out, /<a href="\/">To-do<\/a>/);
  assert.match(out, /<span class="who"[^>]*>&lt;b>Alice&lt;\/b><\/span>/);
  assert.match(out, /<form class="signout" method="post" action="\/logout">.*name="_csrf" value="tok-1".*<\/form>/);
  assert.match(out, /<main><p class="flash flash-ok" role="status">Done.<\/p><h1>Body<\/h1><\/main>/);
});

test('signed out, the frame has no navigation and no sign-out form', () => {
  const out = renderPage(<Layout title="Sign in"><p>x</p></Layout>);
  assert.doesNotMatch(out, /class="nav"|action="\/logout"/);
});

test('a time is UTC text in <time datetime>, a dash when absent', () => {
  assert.equal(renderFragment(<Time iso="2026-12-05T07:00:00+01:00" />), '<time datetime="2026-12-05T06:00:00.000Z">2026-12-05 06:00:00 UTC</time>');
  assert.equal(renderFragment(<Time iso={null} />), '<span class="muted">—</span>');
});

test('an action button posts with the CSRF field and asks its question', () => {
  const out = renderFragment(<ActionButton action="/x" label="Go" csrf="t" confirm={'Sure "now"?'} kind="danger" />);
  assert.equal(out, '<form class="inline" method="post" action="/x" data-confirm="Sure &quot;now&quot;?"><input type="hidden" name="_csrf" value="t"/><button type="submit" class="btn btn-danger">Go</button></form>');
});
