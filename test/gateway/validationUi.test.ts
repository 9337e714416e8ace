// Issue 20 #13 in the web interface: %00 in /subscriptions/:id and /deliveries/:id, a search date that is not
// a real day, and a bulk action with 5,000 ids are clear 4xx pages naming what is wrong, never a 500.
// Real gateway with the UI on a socket, Postgres, Temporal; fetch-level requests with a signed-in session.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/interfaces/api/app';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { testBox } from '../support/temporal';
import { startHarness, type Harness } from './harness';

describe('the web interface refuses input Postgres cannot store with a clear 4xx (issue 20 #13)', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let session: { cookie: string; csrf: string };

  before(async () => {
    h = await startHarness();
    const deps = { pool: h.db.pool, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') };
    const app = createApp({ ...deps, temporal: h.temporal, ui: createUiRouter({ ...deps, temporal: h.temporal }) });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { origin: base }, body: new URLSearchParams({ key: h.adminKey }) });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const home = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    session = { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home)![1]! };
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await h.close();
  });

  const page = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };

  test('%00 in /subscriptions/:id', async () => {
    for (const path of ['/subscriptions/%00', '/subscriptions/sub_%00/edit']) {
      const res = await page(path);
      assert.equal(res.status, 400, `${path}: ${res.status}`);
      assert.match(res.text, /id in the path must not contain the NUL character/);
    }
    assert.equal((await page('/deliveries/dlv_%00')).status, 400);
  });

  test('/deliveries?since=2026-02-30 names the field', async () => {
    const res = await page('/deliveries?since=2026-02-30');
    assert.equal(res.status, 400);
    assert.match(res.text, /From \(UTC\) \(since\): &quot;2026-02-30&quot; must be a date like 2026-03-01/);
    assert.match(res.text, /<form class="filters card"/, 'the search form is still there to fix it');
    assert.equal((await page('/deliveries?until=2026-13-01')).status, 400);
    assert.equal((await page('/deliveries?since=2026-02-28&until=2026-03-01')).status, 200);
  });

  test('a page link (cursor) whose date JavaScript accepts and Postgres does not', async () => {
    const cursor = Buffer.from(JSON.stringify(['2026-02-30T00:00:00Z', 'dlv_x']), 'utf8').toString('base64url');
    const res = await page(`/deliveries?cursor=${cursor}`);
    assert.equal(res.status, 400);
    assert.match(res.text, /That page link is no longer valid; start the search again\./);
  });

  test('a bulk action with 5,000 ids is refused whole, saying the limit', async () => {
    const form = new URLSearchParams({ _csrf: session.csrf, action: 'resync', back: '/deliveries' });
    for (let i = 0; i < 5_000; i++) form.append('id', `dlv_sub_x_${i}`);
    const res = await fetch(`${base}/deliveries/bulk`, {
      method: 'POST', redirect: 'manual', body: form, headers: { cookie: session.cookie, origin: base },
    });
    assert.equal(res.status, 413);
    assert.match(await res.text(), /Select at most 500 deliveries at a time; nothing was done\./);
  });
});
