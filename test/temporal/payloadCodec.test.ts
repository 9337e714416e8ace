// Issue 23 items 1 and 2: no personal data in clear in Temporal. An event about Ada Lovelace (her email in the
// producer's event id, her name and IBAN in operators' notes) leaves none of her strings in the raw workflow history:
// workflow input, signals, local-activity markers, result, failures (message and stack trace). The codec server
// (/codec/decode, platform key or the Web UI's token, CORS) reads them back; `temporal workflow show` shows them only
// through --codec-endpoint; a key rotation keeps old histories readable and seals new ones under the new key id; a
// process whose keys cannot open the installation's payloads refuses to start. Real Postgres, Temporal, HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import request from 'supertest';
import { checkPayloadKey, PayloadKeyMismatchError } from '../../src/app/secrets/payloadKeyCheck';
import { loadConfig } from '../../src/infra/config';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { createPayloadCodec, payloadKeyId } from '../../src/infra/crypto/payloadCodec';
import { createLogger } from '../../src/infra/observability/log';
import { workflowIdOf } from '../../src/infra/temporal/deliveryClient';
import { hrhooksDataConverter } from '../../src/infra/temporal/dataConverter';
import { buildWorkflowBundle } from '../../src/infra/temporal/workflowBundle';
import { startGateway } from '../../src/interfaces/api/server';
import { temporalCliPath } from '../../src/local/binaries';
import { createTestDatabase } from '../support/postgres';
import { runTestWorker, sharedTemporalAddress, TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testDataConverter, uniqueTaskQueue } from '../support/temporal';
import { api, eventually, leaveEvent, startHarness, type Harness } from '../gateway/harness';
import { DELIVERY_STATUSES } from '../../workflows/definitions';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/searchAttributes';
import type { CodecActivities } from './fixtures/codecWorkflow';

const run = promisify(execFile);

const NAME = 'Ada Lovelace';
const EMAIL = 'ada.lovelace@analytical-engine.example';
const IBAN = 'GB33BUKB20201555555555';
const SICK = 'Sick leave (certified)';
const HERS = [NAME, EMAIL, IBAN, SICK];
const UI_ORIGIN = 'http://127.0.0.1:8233';
const UI_TOKEN = 'web-ui-token-for-the-payload-codec-test-0123456789';
const NEXT_KEY = 'the-next-payload-key-after-a-rotation-0123456789';

/**
 * A raw history response as text, every byte string as UTF-8: a string in clear anywhere shows. (JSON.stringify
 * of the SDK's protobuf messages writes bytes as base64, so `data` and metadata values are decoded back here.)
 */
function rawText(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key, v) {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('utf8');
    if (typeof v === 'string' && (key === 'data' || BYTE_KEYS.has(key))) return `${v} ${Buffer.from(v, 'base64').toString('utf8')}`;
    return v;
  });
}
const BYTE_KEYS = new Set(['encoding', 'encryption-key-id', 'type', 'messageType']);

type RawPayload = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };
type RawFailure = { message?: string; stackTrace?: string; encodedAttributes?: RawPayload | null };

/**
 * Walks a raw history: its payloads (objects with metadata and data) and its failures (objects with a message and a
 * stack trace field). Search attributes are Temporal's index, not payloads (their own test: searchAttributes.test.ts);
 * a local-activity marker's `data` detail is the SDK's bookkeeping (seq, attempt, activity type, times), written
 * by the worker's core in clear: both are still searched for her strings, as all of the history is.
 */
function walk(value: unknown, found: { payloads: RawPayload[]; failures: RawFailure[] } = { payloads: [], failures: [] }, key = '') {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array || key === 'searchAttributes') return found;
  const o = value as Record<string, unknown>;
  if ('data' in o && 'metadata' in o && o.metadata && typeof o.metadata === 'object') found.payloads.push(o as RawPayload);
  if (typeof o.message === 'string' && 'stackTrace' in o) found.failures.push(o as RawFailure);
  for (const [k, child] of Object.entries(o)) {
    if (k === 'details' && 'markerName' in o && child && typeof child === 'object') {
      for (const [detail, payloads] of Object.entries(child)) if (detail !== 'data') walk(payloads, found, detail);
      continue;
    }
    walk(child, found, k);
  }
  return found;
}

async function rawHistory(client: Client, workflowId: string) {
  const events: unknown[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, nextPageToken });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const asJson = (p: RawPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const decodedText = (payloads: Array<{ data: string }>) => payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');

/** The CLI's JSON output with every base64 `data` value decoded next to it. */
function withBase64Decoded(stdout: string): string {
  const decoded = [...stdout.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
  return `${stdout}\n${decoded.join('\n')}`;
}

function assertNoneOfHers(text: string, where: string): void {
  for (const s of HERS) assert.ok(!text.includes(s), `${JSON.stringify(s)} is in clear in ${where}`);
}

function assertSealed(events: unknown[], keyId: string, where: string): void {
  const { payloads, failures } = walk(events);
  assert.ok(payloads.length > 0, `${where}: no payload found`);
  for (const p of payloads) {
    assert.equal(utf8(p.metadata?.encoding), 'binary/encrypted', `${where}: a payload in clear: ${rawText(p).slice(0, 200)}`);
    assert.equal(utf8(p.metadata?.['encryption-key-id']), keyId, `${where}: a payload under another key`);
  }
  for (const f of failures) {
    assert.equal(f.message, 'Encoded failure', `${where}: a failure message in clear: ${f.message}`);
    assert.equal(f.stackTrace ?? '', '', `${where}: a stack trace in clear`);
    assert.equal(utf8(f.encodedAttributes?.metadata?.encoding), 'binary/encrypted', `${where}: failure attributes not encrypted`);
  }
}

describe('payload codec: no personal data in clear in Temporal', () => {
  let h: Harness;
  let platformKey: string;
  let workflowId: string;
  let events: unknown[];
  const codecEnv = { HRHOOKS_CODEC_UI_TOKEN: UI_TOKEN, HRHOOKS_CODEC_ORIGINS: UI_ORIGIN };

  before(async () => {
    h = await startHarness(codecEnv);
    platformKey = (await createApiKey(h.db.pool, 'platform', 'test-platform', null)).key;
    const admin = api(h.app, h.adminKey);
    h.receiver.respondWith({ status: 503, body: 'down' });
    const sub = await admin.post('/v1/subscriptions', { name: 'payroll', url: `${h.receiver.url}/ada`, format: 'standard', events: '*', retrySchedule: ['1h'] });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const event = leaveEvent('leave.approved', { id: `sick-${EMAIL}-${Date.now()}`, ownerName: NAME });
    const data = { ...event.data, owner: { ...event.data.owner, email: EMAIL }, iban: IBAN, leaveAccount: { ...event.data.leaveAccount, name: SICK, categoryName: SICK } };
    const posted = await api(h.app, h.producerKey).post('/v1/events', { ...event, data });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const deliveryId = posted.body.deliveries[0].id as string;
    workflowId = workflowIdOf(deliveryId)!;
    await eventually(async () => (h.receiver.requests.length >= 1 ? true : undefined), 30_000, 'the first attempt');
    const resynced = await admin.post(`/v1/deliveries/${deliveryId}/resync`, { note: `${NAME} called: her IBAN ${IBAN} is right` });
    assert.equal(resynced.status, 202, JSON.stringify(resynced.body));
    await eventually(async () => (h.receiver.requests.length >= 2 ? true : undefined), 30_000, 'the resynced attempt');
    const processed = await admin.post(`/v1/deliveries/${deliveryId}/mark-processed`, { note: `${SICK} of ${NAME} entered by hand` });
    assert.equal(processed.status, 202, JSON.stringify(processed.body));
    await h.temporal.workflow.getHandle(workflowId).result();
    events = await rawHistory(h.temporal, workflowId);
  });
  after(() => h?.close());

  test('the raw history of her event holds none of her strings: input, signals, local-activity markers, result', () => {
    assertNoneOfHers(rawText(events), 'the raw workflow history');
    assertSealed(events, payloadKeyId(TEST_PAYLOAD_KEY), 'the event workflow');
    const kinds = new Set(events.map((e) => (e as { eventType?: number }).eventType));
    assert.ok(events.some((e) => (e as { markerRecordedEventAttributes?: unknown }).markerRecordedEventAttributes), 'local-activity markers were checked');
    assert.ok(kinds.size > 4);
  });

  test('search attributes and the workflow id carry no personal data: each attribute hrhooks sets has a known shape', async () => {
    assert.match(workflowId, /^evt_[A-Za-z0-9_-]{22}$/, 'the workflow id is a hash of the event id, not the id (which holds her email)');
    const described = await h.temporal.workflow.getHandle(workflowId).describe();
    const attributes = Object.fromEntries(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    const shapes: Record<string, (v: unknown) => boolean> = {
      HrhooksStatus: (v) => Array.isArray(v) && v.every((x) => (DELIVERY_STATUSES as readonly unknown[]).includes(x)),
      HrhooksSubscription: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(x)),
      HrhooksEventType: (v) => v === 'leave.approved',
      HrhooksAttempts: (v) => Number.isInteger(v),
      HrhooksNextAttempt: (v) => v instanceof Date,
      HrhooksTenant: (v) => v === 'default',
    };
    assert.deepEqual(SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).sort(), Object.keys(shapes).sort(), 'every attribute hrhooks defines is checked');
    for (const [name, value] of Object.entries(attributes)) {
      if (!name.startsWith('Hrhooks')) continue;
      assert.ok(shapes[name]?.(value), `${name} = ${JSON.stringify(value)}`);
    }
    for (const name of ['HrhooksStatus', 'HrhooksSubscription', 'HrhooksEventType', 'HrhooksAttempts', 'HrhooksTenant']) assert.ok(name in attributes, `${name} is set`);
    assertNoneOfHers(JSON.stringify(described.typedSearchAttributes.getAll()) + JSON.stringify(described.raw.workflowExecutionInfo?.searchAttributes ?? {}), 'the search attributes');
  });

  test('POST /codec/decode with a platform key makes them readable again; /codec/encode seals', async () => {
    const { payloads } = walk(events);
    const res = await request(h.app).post('/codec/decode').set('authorization', `Bearer ${platformKey}`).set('x-namespace', 'default')
      .send({ payloads: payloads.map(asJson) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.payloads.length, payloads.length);
    const text = decodedText(res.body.payloads);
    for (const s of [NAME, EMAIL, IBAN, SICK]) assert.ok(text.includes(s), `${s} decoded`);
    assert.ok(res.body.payloads.every((p: { metadata: Record<string, string> }) => Buffer.from(p.metadata.encoding!, 'base64').toString() !== 'binary/encrypted'));

    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(NAME)).toString('base64') };
    const sealed = await request(h.app).post('/codec/encode').set('authorization', `Bearer ${platformKey}`).send({ payloads: [plain] });
    assert.equal(sealed.status, 200);
    assert.equal(Buffer.from(sealed.body.payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
    assertNoneOfHers(decodedText(sealed.body.payloads), 'an encoded payload');
    const back = await request(h.app).post('/codec/decode').set('authorization', `Bearer ${platformKey}`).send(sealed.body);
    assert.deepEqual(back.body.payloads, [plain]);
  });

  test('the codec server: operators only, CORS for the Web UI origin, the Web UI token path, problems naming the field', async () => {
    const body = { payloads: walk(events).payloads.slice(0, 1).map(asJson) };
    assert.equal((await request(h.app).post('/codec/decode').send(body)).status, 401);
    assert.equal((await request(h.app).post('/codec/decode').set('authorization', `Bearer ${h.adminKey}`).send(body)).status, 403);
    const preflight = await request(h.app).options('/codec/decode').set('origin', UI_ORIGIN)
      .set('access-control-request-method', 'POST').set('access-control-request-headers', 'authorization,content-type,x-namespace');
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], UI_ORIGIN);
    assert.match(preflight.headers['access-control-allow-headers'], /Authorization/);
    assert.match(preflight.headers['access-control-allow-headers'], /X-Namespace/);
    assert.match(preflight.headers['access-control-allow-methods'], /POST/);
    const stranger = await request(h.app).options('/codec/decode').set('origin', 'https://evil.example').set('access-control-request-method', 'POST');
    assert.equal(stranger.status, 403);
    assert.equal(stranger.headers['access-control-allow-origin'], undefined);

    const viaUi = await request(h.app).post(`/codec/web-ui/${UI_TOKEN}/decode`).set('origin', UI_ORIGIN).set('x-namespace', 'default').send(body);
    assert.equal(viaUi.status, 200);
    assert.equal(viaUi.headers['access-control-allow-origin'], UI_ORIGIN);
    assert.notEqual(Buffer.from(viaUi.body.payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
    assert.equal((await request(h.app).post('/codec/web-ui/not-the-token/decode').send(body)).status, 401);
    assert.ok(!h.logLines.join('\n').includes(UI_TOKEN), 'the Web UI token is never logged');

    const bad = await request(h.app).post('/codec/decode').set('authorization', `Bearer ${platformKey}`).send({ payloads: [{ data: 'not base64!' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.headers['content-type'], /application\/problem\+json/);
    assert.equal(bad.body.errors[0].field, 'payloads[0].data');
  });

  test('`temporal workflow show` shows none of her strings without the codec, and reads them with --codec-endpoint', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const args = ['workflow', 'show', '--address', h.address, '--namespace', 'default', '--workflow-id', workflowId, '--output', 'json'];
      const without = await run(temporalCliPath(), args, { maxBuffer: 16 * 2 ** 20 });
      assertNoneOfHers(without.stdout, '`temporal workflow show`');
      assertNoneOfHers(withBase64Decoded(without.stdout), '`temporal workflow show` (base64 data decoded)');
      const withCodec = await run(temporalCliPath(), [...args, '--codec-endpoint', `http://127.0.0.1:${port}/codec`, '--codec-auth', `Bearer ${platformKey}`], { maxBuffer: 16 * 2 ** 20 });
      const shown = withBase64Decoded(withCodec.stdout);
      for (const s of [NAME, EMAIL, IBAN]) assert.ok(shown.includes(s), `${s} readable with --codec-endpoint: ${withCodec.stderr} ${withCodec.stdout.slice(0, 1500)}`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('after a rotation old histories still decode and new ones are sealed under the new key id', async () => {
    const rotated = hrhooksDataConverter(createPayloadCodec(NEXT_KEY, TEST_PAYLOAD_KEY));
    const client = new Client({ connection: await Connection.connect({ address: h.address }), namespace: 'default', dataConverter: rotated });
    try {
      await h.worker.stop();
      const worker = await runTestWorker({ pool: h.db.pool, databaseUrl: h.db.url, taskQueue: h.taskQueue, address: h.address, dataConverter: rotated });
      try {
        const old = await client.workflow.getHandle(workflowId).result();
        assert.ok(JSON.stringify(old).includes(IBAN), 'the old history decodes with the old key as previous');
        const app = h.appWith({ temporal: client, env: codecEnv });
        const event = leaveEvent('leave.approved', { id: `after-rotation-${Date.now()}`, ownerName: NAME });
        h.receiver.respondWith({ status: 200 });
        const posted = await api(app, h.producerKey).post('/v1/events', event);
        assert.equal(posted.status, 202, JSON.stringify(posted.body));
        const newId = workflowIdOf(posted.body.deliveries[0].id)!;
        // started right after the answer, off the request path
        await eventually(() => client.workflow.getHandle(newId).describe().then(() => true, () => undefined), 30_000, 'the new event workflow');
        await client.workflow.getHandle(newId).result();
        assertSealed(await rawHistory(client, newId), payloadKeyId(NEXT_KEY), 'a workflow after the rotation');
        const oldPayloads = walk(events).payloads.map(asJson);
        const decoded = await request(app).post('/codec/decode').set('authorization', `Bearer ${platformKey}`).send({ payloads: oldPayloads });
        assert.ok(decodedText(decoded.body.payloads).includes(IBAN), 'the codec server decodes the old history after the rotation');
      } finally {
        await worker.stop();
      }
    } finally {
      await client.connection.close();
    }
  });
});

describe('payload codec: failures and local activities', () => {
  test('a local activity\'s input, result and failure and the workflow\'s failure carry no clear text; the client reads them back', async () => {
    const taskQueue = uniqueTaskQueue('codec');
    const address = await sharedTemporalAddress();
    const connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: 'default', dataConverter: testDataConverter });
    const activities: CodecActivities = {
      echo: async (text) => `${text} <${EMAIL}>`,
      refuse: async (text) => {
        throw new Error(`the bank refused ${text}'s account ${IBAN}`);
      },
    };
    const native = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: native,
      namespace: 'default', taskQueue, activities, dataConverter: testDataConverter,
      workflowBundle: { code: await buildWorkflowBundle(require.resolve('./fixtures/codecWorkflow')) },
    });
    try {
      await worker.runUntil(async () => {
        const ok = await client.workflow.execute('codecWorkflow', { taskQueue, workflowId: `codec-ok-${taskQueue}`, args: [NAME, false] });
        assert.equal(ok, `${NAME} <${EMAIL}>`);
        const failed = await client.workflow.execute('codecWorkflow', { taskQueue, workflowId: `codec-fail-${taskQueue}`, args: [NAME, true] }).then(
          () => assert.fail('the workflow should fail'),
          (err: unknown) => err as WorkflowFailedError,
        );
        assert.ok(failed instanceof WorkflowFailedError);
        assert.equal(failed.cause?.message, `could not deliver the leave of ${NAME}`, 'the client decodes the failure message');
      });
      for (const id of [`codec-ok-${taskQueue}`, `codec-fail-${taskQueue}`]) {
        const events = await rawHistory(client, id);
        assertNoneOfHers(rawText(events), `the history of ${id}`);
        assertSealed(events, payloadKeyId(TEST_PAYLOAD_KEY), id);
      }
      const failedHistory = walk(await rawHistory(client, `codec-fail-${taskQueue}`));
      assert.ok(failedHistory.failures.length >= 2, `the local activity's and the workflow's failures were checked (${failedHistory.failures.length})`);
    } finally {
      await native.close();
      await client.connection.close();
    }
  });
});

describe('payload key: a process whose keys cannot open the installation\'s payloads refuses to start', () => {
  const freshDir = () => fs.mkdtempSync(path.join(process.env.HRHOOKS_TEST_SCRATCH ?? os.tmpdir(), 'hrhooks-payload-key-'));
  const WRONG = 'a-payload-key-from-some-other-installation-012345';

  test('first start records the key; rotation adds the new one; a wrong, retired or missing key is refused in one line', async () => {
    const db = await createTestDatabase();
    try {
      const config = (env: Record<string, string>) => loadConfig({ HRHOOKS_DATA_DIR: freshDir(), ...env });
      const first = await checkPayloadKey(db.pool, config({ HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY }));
      assert.equal(first!.keyId, payloadKeyId(TEST_PAYLOAD_KEY));
      const refused = (err: Error) => {
        assert.ok(err instanceof PayloadKeyMismatchError, String(err));
        assert.equal(err.message.split('\n').length, 1);
        assert.match(err.message, /HRHOOKS_PAYLOAD_KEY/);
        for (const k of [WRONG, TEST_PAYLOAD_KEY, NEXT_KEY]) assert.ok(!err.message.includes(k), 'no key in the message');
        return true;
      };
      await assert.rejects(checkPayloadKey(db.pool, config({ HRHOOKS_PAYLOAD_KEY: WRONG })), refused);
      const dir = freshDir();
      await assert.rejects(checkPayloadKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir })), (err: Error) => refused(err) && /no new key was generated/.test(err.message));
      assert.deepEqual(fs.readdirSync(dir), [], 'no key file generated once the installation has one');

      const rotated = await checkPayloadKey(db.pool, config({ HRHOOKS_PAYLOAD_KEY: NEXT_KEY, HRHOOKS_PAYLOAD_KEY_PREVIOUS: TEST_PAYLOAD_KEY }));
      assert.equal(rotated!.keyId, payloadKeyId(NEXT_KEY));
      await assert.rejects(checkPayloadKey(db.pool, config({ HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY })), refused);
      assert.ok(await checkPayloadKey(db.pool, config({ HRHOOKS_PAYLOAD_KEY: NEXT_KEY })));

      const gateway = loadConfig({
        DATABASE_URL: db.url, TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '0', HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: WRONG, HRHOOKS_DATA_DIR: freshDir(),
      });
      await assert.rejects(startGateway(gateway, createLogger('silent')), refused);
    } finally {
      await db.drop();
    }
  });

  test('the all-in-one\'s first start generates payload.key into the data dir (mode 600), and uses it after', async () => {
    const db = await createTestDatabase();
    try {
      const dir = freshDir();
      const codec = await checkPayloadKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir }));
      const file = path.join(dir, 'payload.key');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(codec!.keyId, payloadKeyId(fs.readFileSync(file, 'utf8').trim()));
      assert.equal((await checkPayloadKey(db.pool, loadConfig({ HRHOOKS_DATA_DIR: dir })))!.keyId, codec!.keyId);
    } finally {
      await db.drop();
    }
  });
});

