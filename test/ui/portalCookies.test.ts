// The portal's cookies, framing headers and branding over https, without a browser (supertest behind a trusted
// loopback proxy that says X-Forwarded-Proto: https): framed (Sec-Fetch-Dest: iframe) a portal session's
// cookies are SameSite=None; Secure; Partitioned, at the top they stay SameSite=Strict; CSRF still holds; the
// CSP lets the tenant's portal origins frame it and shows its logo; /branding.css carries only a valid accent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Express } from 'express';
import request from 'supertest';
import { authApp, csrfOf, sessionCookieOf } from '../gateway/authApps';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const ORIGIN = 'https://hr.acme.example';

describe('portal cookies and headers over https', () => {
  let db: TestDatabase;
  let app: Express;
  let platformKey: string;

  const link = async (tenant = 'acme'): Promise<string> => {
    const res = await request(app).post(`/v1/tenants/${tenant}/portal-sessions`).set('authorization', `Bearer ${platformKey}`)
      .set('x-forwarded-proto', 'https').send({ role: 'admin' });
    assert.equal(res.status, 201, res.text);
    const url = new URL(res.body.url as string);
    assert.equal(url.protocol, 'https:', 'the link is based on the request\'s own (https) origin');
    return url.pathname + url.search;
  };
  const https = (r: request.Test) => r.set('x-forwarded-proto', 'https');

  before(async () => {
    db = await createTestDatabase();
    await db.pool.query(
      `INSERT INTO tenants (id, name, portal_origins, branding) VALUES
       ('acme', 'Acme', $1, '{"name":"Acme HR","accentColor":"#0a7d5a","logoUrl":"https://cdn.acme.example/logo.svg"}'),
       ('odd', 'Odd', '[]', '{"accentColor":"red;}body{display:none"}')`,
      [JSON.stringify([ORIGIN])],
    );
    platformKey = (await createApiKey(db.pool, 'platform', 'platform', null)).key;
    app = authApp(db.pool, { HRHOOKS_TRUST_PROXY: 'loopback' });
  });
  after(() => db?.drop());

  test('framed over https: SameSite=None; Secure; Partitioned; at the top: SameSite=Strict; plain http: no Secure', async () => {
    const framed = await https(request(app).get(await link()).set('sec-fetch-dest', 'iframe'));
    assert.equal(framed.status, 303);
    const line = sessionCookieOf(framed)!.line;
    for (const part of ['HttpOnly', 'Secure', 'SameSite=None', 'Partitioned']) assert.ok(line.includes(part), `${part} in ${line}`);
    const top = await https(request(app).get(await link()).set('sec-fetch-dest', 'document'));
    const topLine = sessionCookieOf(top)!.line;
    assert.ok(topLine.includes('SameSite=Strict') && topLine.includes('Secure') && !topLine.includes('Partitioned'), topLine);
    const plain = await request(app).get(await link()).set('sec-fetch-dest', 'iframe');
    const plainLine = sessionCookieOf(plain)!.line;
    assert.ok(plainLine.includes('SameSite=Strict') && !plainLine.includes('Secure'), `plain http keeps working: ${plainLine}`);
  });

  test('a framed portal session: CSP frame-ancestors its origins and img-src its logo, CSRF required, flash cookie framable', async () => {
    const opened = await https(request(app).get(await link()).set('sec-fetch-dest', 'iframe'));
    const cookie = `hrhooks_session=${sessionCookieOf(opened)!.value}`;
    const page = await https(request(app).get('/').set('cookie', cookie));
    assert.equal(page.status, 200);
    const csp = page.headers['content-security-policy'] as string;
    assert.match(csp, new RegExp(`frame-ancestors ${ORIGIN}(;|$)`));
    assert.match(csp, /img-src 'self' data: https:\/\/cdn\.acme\.example(;|$)/);
    assert.equal(page.headers['x-frame-options'], undefined);
    assert.match(page.text, /<img class="brand-logo" src="https:\/\/cdn\.acme\.example\/logo\.svg"/);

    const noToken = await https(request(app).post('/deliveries/dlv_nope/resync').set('cookie', cookie).set('origin', ORIGIN).type('form').send({}));
    assert.equal(noToken.status, 403, 'another origin without the token: refused');
    const acted = await https(request(app).post('/deliveries/dlv_nope/resync').set('cookie', cookie).type('form').send({ _csrf: csrfOf(sessionCookieOf(opened)!.value) }));
    assert.equal(acted.status, 303);
    const flash = ([] as string[]).concat(acted.headers['set-cookie'] ?? []).find((l) => l.startsWith('hrhooks_flash='))!;
    assert.ok(flash.includes('SameSite=None') && flash.includes('Partitioned'), `the flash reaches the framed page: ${flash}`);
  });

  test('/branding.css: the tenant\'s accent only when it is a colour; other sessions none', async () => {
    const opened = await request(app).get(await link());
    const cookie = `hrhooks_session=${sessionCookieOf(opened)!.value}`;
    const css = await request(app).get('/branding.css').set('cookie', cookie);
    assert.equal(css.status, 200);
    assert.match(css.headers['content-type'], /text\/css/);
    assert.match(css.text, /--accent:#0a7d5a;/);
    const odd = await request(app).get(await link('odd'));
    const oddCss = await request(app).get('/branding.css').set('cookie', `hrhooks_session=${sessionCookieOf(odd)!.value}`);
    assert.ok(!oddCss.text.includes('display:none'), 'a value that is not a colour never reaches the stylesheet');
    assert.equal((await request(app).get('/branding.css')).status, 404);
  });
});
