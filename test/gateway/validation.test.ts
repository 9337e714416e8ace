// Gateway edges: auth scopes, per-field validation, body limits, media types, rate limiting,
// security headers, health, metrics and the OpenAPI document. Every error is problem+json.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { API_ROUTES } from '../../src/interfaces/api/openapi';
import { api, as, employeeEvent, leaveEvent, startHarness, type Harness } from './harness';

describe('gateway edges', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const isProblem = (res: request.Response, status: number) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(res.body.status, status);
    assert.equal(typeof res.body.title, 'string');
    assert.equal(JSON.stringify(res.body).includes('    at '), false, 'no stack trace');
  };
  const fields = (res: request.Response) => (res.body.errors as { field: string }[]).map((e) => e.field);

  test('auth: no key 401, unknown key 401, producer on admin route 403, admin may post events', async () => {
    isProblem(await request(h.app).get('/v1/subscriptions'), 401);
    isProblem(await request(h.app).get('/v1/subscriptions').set(as('hrk_unknown')), 401);
    isProblem(await request(h.app).post('/v1/events').send(employeeEvent()), 401);
    isProblem(await api(h.app, h.producerKey).get('/v1/subscriptions'), 403);
    isProblem(await api(h.app, h.producerKey).get('/v1/deliveries'), 403);
    isProblem(await api(h.app, h.producerKey).get('/v1/dashboard'), 403);
    assert.equal((await api(h.app, h.adminKey).post('/v1/events', employeeEvent())).status, 202);
  });

  test('event validation names each bad field; nothing is stored', async () => {
    const producer = api(h.app, h.producerKey);
    const good = leaveEvent('leave.approved');
    const cases: [unknown, string][] = [
      [{ ...good, id: undefined }, 'id'],
      [{ ...good, id: 'x'.repeat(201) }, 'id'],
      [{ ...good, type: 'leave.exploded' }, 'type'],
      [{ ...good, occurredAt: 'yesterday' }, 'occurredAt'],
      [{ ...good, data: { ...good.data, start: { date: '2018-04-23', half: 'NOON' } } }, 'data.start.half'],
      [{ ...good, data: { ...good.data, end: { date: '2018-04-01', half: 'PM' } } }, 'data.end'],
      [{ ...good, data: { ...good.data, owner: undefined } }, 'data.owner'],
      [{ ...good, id: 'evt-\u0000' }, 'id'],
      [{ ...good, data: { ...good.data, owner: { ...good.data.owner, name: 'nul\u0000name' } } }, 'data.owner.name'],
    ];
    for (const [body, field] of cases) {
      const res = await producer.post('/v1/events', body);
      isProblem(res, 400);
      assert.ok(fields(res).includes(field), `${field} in ${JSON.stringify(res.body.errors)}`);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 5_000; i++) deep = [deep];
    isProblem(await producer.post('/v1/events', { ...employeeEvent(), data: deep }), 400);
    const stored = await h.db.pool.query('SELECT count(*)::int AS n FROM events WHERE id = $1', [good.id]);
    assert.equal(stored.rows[0].n, 0);
  });

  test('one nesting limit (32 levels) for every body: an event and a subscription 33 deep are refused alike', async () => {
    const admin = api(h.app, h.adminKey);
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = { a: deep };
    const event = await admin.post('/v1/events', { ...employeeEvent(), data: deep });
    const subscription = await admin.post('/v1/subscriptions', { name: 'deep', url: `${h.receiver.url}/deep`, format: 'standard', events: ['employee.updated'], deep });
    for (const res of [event, subscription]) {
      isProblem(res, 400);
      assert.match(JSON.stringify(res.body.errors), /nested deeper than 32 levels/);
    }
  });

  test('malformed JSON 400, wrong media type 415, oversize body 413, unknown route 404', async () => {
    const raw = request(h.app).post('/v1/events').set(as(h.producerKey)).set('content-type', 'application/json');
    const bad = await raw.send('{"id": ');
    isProblem(bad, 400);
    assert.deepEqual(fields(bad), ['(body)']);
    isProblem(await request(h.app).post('/v1/events').set(as(h.producerKey)).set('content-type', 'text/plain').send('hello'), 415);
    const big = { ...employeeEvent(), data: { blob: 'x'.repeat(2 * 1024 * 1024) } };
    isProblem(await api(h.app, h.producerKey).post('/v1/events', big), 413);
    isProblem(await api(h.app, h.adminKey).get('/v1/nowhere'), 404);
    isProblem(await api(h.app, h.adminKey).get('/v1/deliveries/dlv_nope'), 404);
    isProblem(await api(h.app, h.adminKey).get('/v1/subscriptions/sub_nope'), 404);
  });

  test('subscription validation: url, format, events, mode, secret, retry schedule, headers', async () => {
    const admin = api(h.app, h.adminKey);
    const base = { name: 'v', url: `${h.receiver.url}/v`, format: 'standard', events: '*' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, url: 'ftp://example.com/x' }, 'url'],
      [{ ...base, url: 'http://user:pw@example.com/x' }, 'url'],
      [{ ...base, url: 'http://10.0.0.5/hook' }, 'url'],
      [{ ...base, url: 'http://169.254.169.254/latest' }, 'url'],
      [{ ...base, format: 'soap' }, 'format'],
      [{ ...base, events: ['leave.exploded'] }, 'events.0'],
      [{ ...base, events: [] }, 'events'],
      [{ ...base, mode: 'approved' }, 'mode'],
      [{ ...base, format: 'lucca', events: ['employee.created'] }, 'events'],
      [{ ...base, secret: 'not-a-whsec-secret-at-all' }, 'secret'],
      [{ ...base, retrySchedule: ['5x'] }, 'retrySchedule.0'],
      [{ ...base, headers: { 'bad header': 'x' } }, 'headers.bad header'],
      [{ ...base, name: '' }, 'name'],
      [{ ...base, colour: 'blue' }, '(event)'],
    ];
    for (const [body, field] of cases) {
      const res = await admin.post('/v1/subscriptions', body);
      isProblem(res, 400);
      assert.ok(fields(res).includes(field), `${field} in ${JSON.stringify(res.body.errors)}`);
    }
    const ssrf = await admin.post('/v1/subscriptions', { ...base, url: 'http://10.0.0.5/hook' });
    assert.match(ssrf.body.errors[0].message, /HRHOOKS_EGRESS_ALLOW/);
    const created = await admin.post('/v1/subscriptions', base);
    assert.equal(created.status, 201);
    isProblem(await admin.patch(`/v1/subscriptions/${created.body.id}`, { mode: 'all' }), 400);
    isProblem(await admin.patch(`/v1/subscriptions/${created.body.id}`, { format: 'aspnet' }), 400);
  });

  test('rate limit per key: 429 with Retry-After', async () => {
    const limited = h.appWith({ env: { HRHOOKS_RATE_LIMIT: '3' } });
    for (let i = 0; i < 3; i++) assert.equal((await api(limited, h.adminKey).get('/v1/dashboard')).status, 200);
    const res = await api(limited, h.adminKey).get('/v1/dashboard');
    isProblem(res, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal((await api(limited, h.producerKey).post('/v1/events', employeeEvent())).status, 202, 'other keys are not limited');
  });

  test('security headers, healthz, readyz, metrics', async () => {
    const health = await request(h.app).get('/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.headers['x-content-type-options'], 'nosniff');
    assert.equal(health.headers['x-powered-by'], undefined);
    const ready = await request(h.app).get('/readyz');
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.deepEqual(ready.body.checks, { postgres: 'ok', temporal: 'ok' });
    const metrics = await request(h.app).get('/metrics');
    assert.match(metrics.text, /hrhooks_events_accepted_total/);
    assert.match(metrics.text, /hrhooks_http_requests_total/);
  });

  test('openapi.json lists every route, with request schemas from zod', async () => {
    const res = await request(h.app).get('/openapi.json');
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.text);
    assert.equal(doc.openapi, '3.0.3');
    const expected = [
      'post /v1/events', 'post /v1/subscriptions', 'get /v1/subscriptions', 'get /v1/subscriptions/{id}',
      'patch /v1/subscriptions/{id}', 'delete /v1/subscriptions/{id}', 'post /v1/subscriptions/{id}/test',
      'post /v1/subscriptions/{id}/rotate-secret', 'post /v1/subscriptions/{id}/rotate-authorization',
      'post /v1/subscriptions/{id}/activate-credential', 'post /v1/subscriptions/{id}/resume', 'get /v1/deliveries', 'get /v1/deliveries/{id}',
      'post /v1/deliveries/{id}/resync', 'post /v1/deliveries/{id}/mark-processed', 'post /v1/deliveries/resync',
      'get /v1/dashboard', 'get /v1/subscriptions/{id}/health', 'get /v1/keys', 'post /v1/keys/{id}/revoke', 'get /healthz', 'get /readyz', 'get /metrics', 'get /openapi.json',
      // tenants (issue 22)
      'post /v1/tenants/{id}/events', 'post /v1/keys', 'delete /v1/keys/{id}', 'post /v1/tenants/{id}/keys', 'get /v1/tenants/{id}/keys',
      'post /v1/platform-keys', 'get /v1/platform-keys', 'post /v1/platform-keys/{id}/revoke', 'post /v1/tenants', 'get /v1/tenants',
      'get /v1/tenants/{id}', 'patch /v1/tenants/{id}', 'post /v1/tenants/{id}/disable', 'post /v1/tenants/{id}/enable', 'delete /v1/tenants/{id}',
      'post /v1/tenants/{id}/portal-sessions',
      // personal data and audit (issue 23)
      'get /v1/audit', 'get /v1/platform-audit', 'post /v1/erasures', 'get /v1/erasures', 'get /v1/employees/{employeeId}/export',
    ];
    for (const route of expected) {
      const [method, path] = route.split(' ') as [string, string];
      assert.ok(doc.paths[path]?.[method], `${route} documented`);
    }
    assert.equal(API_ROUTES.length, expected.length);
    const create = doc.paths['/v1/subscriptions'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(create.properties.format.enum, ['lucca', 'aspnet', 'standard']);
    assert.ok(create.required.includes('url'));
    const event = doc.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    assert.ok((event.oneOf as { properties: { type: { enum: string[] } } }[]).some((v) => v.properties.type.enum.includes('leave.approved')));
    // every documented route answers something other than 404 from the app
    for (const route of expected) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await (request(h.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path.replace('{id}', 'x')).set(as(h.adminKey));
      const unknownRoute = res.status === 404 && /no route/.test(res.body?.detail ?? '');
      assert.equal(unknownRoute, false, `${route} is served`);
    }
  });
});
