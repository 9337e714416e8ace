// The component renderer escapes every text and attribute value: producer-controlled text can never
// become markup (an employee's name, an event id, a receiver's answer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFragment, renderPage } from '../../src/interfaces/web/components/render';

test('text and attributes are escaped by default', () => {
  const hostile = '<script>alert("x")</script>&\'';
  const out = renderFragment(<p title={hostile}>{hostile}</p>);
  assert.equal(out, '<p title="&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;\'">&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;\'</p>');
  assert.doesNotMatch(out, /<script>/);
});

test('a page starts with the doctype', () => {
  assert.match(renderPage(<html lang="en"><body>ok</body></html>), /^<!doctype html><html lang="en"><body>ok<\/body><\/html>$/);
});
