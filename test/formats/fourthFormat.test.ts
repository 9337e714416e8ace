// Adding a format is one file plus one registry line: a throwaway fourth format ("echo"), registered
// before anything builds its schemas, shows up in validation (API and CLI), preview, verify and delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import type { FieldError, HrEvent } from '../../src/domain/events/schema';
import { unusedFieldErrors, withExtraHeaders, type Format, type ReceivedRequest, type RenderInput, type SubscriptionFields, type VerifyKey } from '../../src/domain/formats/format';
import { formatNames, registerFormatForTest, type FormatName } from '../../src/domain/formats/registry';

const sign = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

const echo: Format<'echo'> = {
  name: 'echo',
  defaultLadder: ['1s', '2s'],
  credential: { kind: 'secret', generate: () => `echo_${randomBytes(16).toString('hex')}` },
  defaultMode: null,
  defaultOrdering: 'none',
  collapsible: true,
  validate(fields: SubscriptionFields): FieldError[] {
    const errors = unusedFieldErrors('echo', fields, ['mode', 'authorization']);
    if (fields.events === '*') errors.push({ field: 'events', message: 'echo subscriptions list their events' });
    return errors;
  },
  sends: (event: HrEvent) => event.type.startsWith('employee.'),
  render({ event, subscription }: RenderInput) {
    const body = Buffer.from(JSON.stringify({ echo: event.type, data: event.data }), 'utf8');
    const own = { 'x-echo-signature': sign(subscription.secrets[0]!, body), 'content-type': 'application/json' };
    return { headers: withExtraHeaders(own, subscription.headers), body };
  },
  verify(req: ReceivedRequest, key: VerifyKey) {
    const signature = req.headers['x-echo-signature'];
    if (!signature) return 'missing X-Echo-Signature header';
    return key.secrets.some((s) => sign(s, req.body) === signature) ? null : 'X-Echo-Signature does not match the body';
  },
  hasMessageId: false,
  secretHeaders: ['authorization'],
};
registerFormatForTest(echo);

const ECHO = 'echo' as FormatName;
const SECRET = 'echo-secret-0123456789';
const employee = { id: 'evt-echo-1', type: 'employee.created', occurredAt: '2024-05-01T08:00:00Z', data: { id: 7, name: 'Ada' } };

function io(files: Record<string, string>, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    readFile: (path: string) => files[path] ?? '',
    readStdin: () => stdin,
    stdout: (s: string) => void out.push(s),
    stderr: (s: string) => void err.push(s),
  };
}

test('validation: the registry, the zod schemas and the format\'s own field rules know echo', async () => {
  const { subscriptionCreateSchema, subscriptionRules } = require('../../src/interfaces/api/schemas') as typeof import('../../src/interfaces/api/schemas');
  const { resolveLadder } = require('../../src/domain/delivery/ladder') as typeof import('../../src/domain/delivery/ladder');
  assert.ok(formatNames().includes(ECHO));
  const parsed = subscriptionCreateSchema.parse({ name: 'e', url: 'https://r.example/e', format: 'echo', events: '*' });
  assert.equal(parsed.format, 'echo');
  assert.deepEqual(subscriptionRules(ECHO, parsed).map((e: FieldError) => e.field), ['events']);
  assert.deepEqual(subscriptionRules(ECHO, { events: ['employee.created'], mode: 'all' }).map((e: FieldError) => e.message), ['echo subscriptions have no mode']);
  assert.deepEqual(subscriptionRules(ECHO, { events: ['employee.created'], secret: 'any secret at all!' }), []);
  assert.deepEqual(resolveLadder(echo.defaultLadder), [1_000, 2_000]);
});

test('preview renders echo and verify checks it', async () => {
  const { runPreview } = require('../../src/interfaces/cli/preview') as typeof import('../../src/interfaces/cli/preview');
  const { runVerify } = require('../../src/interfaces/cli/verify') as typeof import('../../src/interfaces/cli/verify');
  const unknown = io({ 'ev.json': JSON.stringify(employee) });
  assert.equal(runPreview(['ev.json', '--format', 'soap'], unknown), 2);
  assert.match(unknown.err.join(''), /lucca, aspnet, standard, echo/);
  const preview = io({ 'ev.json': JSON.stringify(employee) });
  assert.equal(runPreview(['ev.json', '--format', 'echo', '--secret', SECRET], preview), 0, preview.err.join(''));
  const captured = preview.out.join('');
  assert.match(captured, /^x-echo-signature: [0-9a-f]{64}$/im);

  const verify = (secret: string, request: string) => {
    const v = io({}, request);
    return [runVerify(['--format', 'echo', '--secret', secret], v), v.out.join('')];
  };
  assert.deepEqual(verify(SECRET, captured), [0, 'valid\n']);
  assert.deepEqual(verify('another-secret-000000', captured), [1, 'invalid: X-Echo-Signature does not match the body\n']);

  const generated = io({ 'ev.json': JSON.stringify(employee) });
  assert.equal(runPreview(['ev.json', '--format', 'echo'], generated), 0);
  assert.match(generated.err.join(''), /generated echo_[0-9a-f]{32}/);
});

test('through the API: echo subscriptions are validated by echo, created, documented and delivered', async () => {
  const { api, employeeEvent, startHarness } = require('../gateway/harness') as typeof import('../gateway/harness');
  const h = await startHarness();
  try {
    const admin = api(h.app, h.adminKey);
    const base = { name: 'echo', url: `${h.receiver.url}/echo`, format: 'echo', events: ['employee.created'], secret: SECRET };

    const everything = await admin.post('/v1/subscriptions', { ...base, events: '*' });
    assert.equal(everything.status, 400);
    assert.deepEqual(everything.body.errors, [{ field: 'events', message: 'echo subscriptions list their events' }]);
    const withMode = await admin.post('/v1/subscriptions', { ...base, mode: 'approved' });
    assert.deepEqual(withMode.body.errors.map((e: FieldError) => e.field), ['mode']);

    const created = await admin.post('/v1/subscriptions', base);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.format, 'echo');
    assert.equal(created.body.secret, SECRET);
    assert.equal((await admin.get(`/v1/subscriptions/${created.body.id}`)).body.format, 'echo');

    const doc = (await admin.get('/openapi.json')).body;
    assert.deepEqual(doc.paths['/v1/subscriptions'].post.requestBody.content['application/json'].schema.properties.format.enum, formatNames());

    const producer = api(h.app, h.producerKey);
    assert.equal((await producer.post('/v1/events', employeeEvent('employee.created', 'evt-echo-api'))).status, 202);
    const [received] = await h.receiver.waitForRequests(1, 20_000);
    assert.equal(received!.path, '/echo');
    const { runVerify } = require('../../src/interfaces/cli/verify') as typeof import('../../src/interfaces/cli/verify');
    const v = io({}, `POST /echo HTTP/1.1\r\nx-echo-signature: ${received!.headers['x-echo-signature']}\r\n\r\n${received!.body.toString('utf8')}`);
    assert.equal(runVerify(['--format', 'echo', '--secret', SECRET], v), 0, v.out.join(''));
  } finally {
    await h.close();
  }
});
