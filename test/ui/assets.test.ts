// The web interface's stylesheet and browser scripts are files of their own, served under a content hash
// with a year-long immutable cache; pages carry no inline script or style, and helmet alone sets the
// security headers, with a CSP that allows only our own stylesheet and scripts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { authApp } from '../gateway/authApps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const CSP = "default-src 'none';style-src 'self';script-src 'self';img-src 'self' data:;form-action 'self';frame-ancestors 'none';base-uri 'none'";

describe('web interface assets and security headers', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db?.drop());

  test('a page links its stylesheet and scripts, with no inline code, under the strict CSP', async () => {
    const res = await request(authApp(db.pool)).get('/login');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], CSP);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'same-origin');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.text, /<link rel="stylesheet" href="\/assets\/app\.[\w-]+\.css"\/>/);
    assert.equal([...res.text.matchAll(/<script type="module" src="\/assets\/(page|bulk)\.[\w-]+\.js"><\/script>/g)].length, 2);
    assert.doesNotMatch(res.text, /<style|<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|nonce/);
  });

  test('each asset is served with its type and an immutable year-long cache; another hash is not found', async () => {
    const app = authApp(db.pool);
    const page = (await request(app).get('/login')).text;
    const hrefs = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.equal(hrefs.length, 3);
    for (const href of hrefs) {
      const res = await request(app).get(href);
      assert.equal(res.status, 200, href);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(res.headers['content-type']!, href.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      assert.ok(res.text.length > 500, href);
    }
    assert.equal((await request(app).get('/assets/app.0000000000000000.css')).status, 404);
  });

  test('the browser scripts are compiled JavaScript (no TypeScript left) and the stylesheet has every part', async () => {
    const app = authApp(db.pool);
    const page = (await request(app).get('/login')).text;
    const get = async (re: RegExp) => (await request(app).get(re.exec(page)![1]!)).text;
    const bulk = await get(/src="(\/assets\/bulk\.[^"]+)"/);
    assert.match(bulk, /form\[data-bulk\]/);
    assert.doesNotMatch(bulk, /: HTMLInputElement|<HTMLFormElement>/);
    const css = await get(/href="(\/assets\/app\.[^"]+)"/);
    for (const rule of ['.top {', 'table.deliveries', '.chart-grid']) assert.ok(css.includes(rule), rule);
  });
});
