// Crypto-shredding, erasure and access export (issue 23 items 3, 4, 6), for real: Postgres, Temporal, a worker and
// an HTTP receiver. Events about Ada Lovelace (her email, an IBAN, a sick leave) and about Grace Hopper in one
// tenant: Postgres holds none of Ada's strings in clear (rows, and the relation files and WAL after a CHECKPOINT);
// the API and the export show them; her erasure cancels her open deliveries with the erasure's id, shreds her key
// (a sealed value kept from before no longer opens) and redacts her rows; Grace is untouched; another tenant can
// neither erase nor export her.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { openValues } from '../../src/infra/db/employeeKeys';
import { api, eventually, startHarness, type Harness } from '../gateway/harness';

const A = 'privacy-a';
const B = 'privacy-b';
const ADA = 'E-ADA';
const GRACE = 'E-GRACE';
const IBAN = `GB33BUKB${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}${crypto.randomInt(10 ** 4, 10 ** 5 - 1)}`;
const ADA_STRINGS = ['Lovelace', 'ada.lovelace@example.com', IBAN, 'Sick leave'];

const run = `${process.pid}-${Date.now()}`;
const adaEmployee = () => ({
  id: `ada-upd-${run}`, type: 'employee.updated', occurredAt: '2026-01-02T03:04:05Z',
  data: { id: ADA, firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com', bankAccount: { iban: IBAN } },
});
const adaSickLeave = () => ({
  id: `ada-leave-${run}`, type: 'leave.approved', occurredAt: '2026-01-03T09:00:00Z',
  data: {
    id: 5001, owner: { id: ADA, name: 'Ada Lovelace', email: 'ada.lovelace@example.com', employeeNumber: '00042' },
    leaveAccount: { id: 7, name: 'Sick leave', categoryId: 3, categoryName: 'Sick leave', unit: 'days' },
    start: { date: '2026-01-05', half: 'AM' }, end: { date: '2026-01-06', half: 'PM' }, halfDays: null, durationInHours: null,
    isConfirmed: true, confirmationDate: '2026-01-03T09:00:00', isCancelled: false, cancellationDate: null, creationDate: '2026-01-02T09:00:00',
  },
});
const graceEmployee = () => ({
  id: `grace-upd-${run}`, type: 'employee.updated', occurredAt: '2026-01-02T03:04:06Z',
  data: { id: GRACE, firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com' },
});

describe('personal data: sealed at rest, erasure, access export', () => {
  let h: Harness;
  const keys: Record<'aAdmin' | 'aProducer' | 'bAdmin' | 'platform', string> = {} as never;
  const subs: { ok: string; retry: string } = { ok: '', retry: '' };
  let adaDeliveries: string[] = [];
  let graceDeliveries: string[] = [];
  let erasureId = '';
  let sealedBefore: string[] = [];

  const row = async (sql: string, params: unknown[] = []) => (await h.db.pool.query(sql, params)).rows;
  const statusOf = async (id: string) => (await row('SELECT status FROM deliveries WHERE id = $1', [id]))[0]?.status as string;
  const holdsNone = (text: string, what: string) => {
    for (const s of ADA_STRINGS) assert.ok(!text.includes(s), `${what} holds "${s}" in clear`);
  };

  before(async () => {
    h = await startHarness();
    await h.db.pool.query('INSERT INTO tenants (id, name) VALUES ($1, $2), ($3, $4)', [A, 'Privacy A', B, 'Privacy B']);
    keys.aAdmin = (await createApiKey(h.db.pool, 'admin', 'a-admin', A)).key;
    keys.aProducer = (await createApiKey(h.db.pool, 'producer', 'a-producer', A)).key;
    keys.bAdmin = (await createApiKey(h.db.pool, 'admin', 'b-admin', B)).key;
    keys.platform = (await createApiKey(h.db.pool, 'platform', 'platform', null)).key;
    // the receiver echoes what it got: the response bodies hold her data too
    h.receiver.respondWith((req) => (req.path.startsWith('/retry') ? { status: 500, body: `no: ${req.body.toString('utf8')}` } : { status: 200, body: req.body }));
    const admin = api(h.app, keys.aAdmin);
    const ok = await admin.post('/v1/subscriptions', { name: 'ok', url: `${h.receiver.url}/ok`, format: 'standard', events: '*' });
    const retry = await admin.post('/v1/subscriptions', { name: 'retry', url: `${h.receiver.url}/retry`, format: 'standard', events: '*', retrySchedule: ['1h'] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(retry.status, 201, retry.text);
    subs.ok = ok.body.id;
    subs.retry = retry.body.id;
    for (const event of [adaEmployee(), adaSickLeave(), graceEmployee()]) {
      const res = await api(h.app, keys.aProducer).post('/v1/events', event);
      assert.equal(res.status, 202, res.text);
      const ids = res.body.deliveries.map((d: { id: string }) => d.id);
      if (event.id.startsWith('grace')) graceDeliveries.push(...ids);
      else adaDeliveries.push(...ids);
    }
    adaDeliveries = adaDeliveries.sort();
    graceDeliveries = graceDeliveries.sort();
    assert.equal(adaDeliveries.length, 4);
    const want = (id: string) => (id.startsWith(`dlv_${subs.retry}_`) ? 'retrying' : 'delivered');
    await eventually(async () => {
      for (const id of [...adaDeliveries, ...graceDeliveries]) if ((await statusOf(id)) !== want(id)) return undefined;
      return true;
    }, 30_000, 'delivered to ok, retrying on retry');
  });
  after(() => h?.close());

  test("Postgres holds none of Ada's strings in clear: rows, relation files and WAL after a CHECKPOINT", async () => {
    for (const table of ['events', 'deliveries', 'attempts', 'employee_keys']) {
      const rows = await row(`SELECT t::text AS line FROM ${table} t WHERE tenant_id = $1`, [A]);
      assert.ok(rows.length > 0, `${table} has rows`);
      holdsNone(rows.map((r) => r.line).join('\n'), `${table} (raw rows)`);
    }
    const sealed = await row('SELECT body::text AS body FROM events WHERE tenant_id = $1 AND employee_id = $2', [A, ADA]);
    assert.ok(sealed.every((r) => r.body.startsWith('"hrk1:')), 'event bodies are envelopes');
    await h.db.pool.query('CHECKPOINT');
    const files = await row(
      `SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c
        WHERE c.relkind IN ('r', 't') AND pg_relation_filepath(c.oid) IS NOT NULL
          AND (c.relname IN ('events', 'deliveries', 'employee_keys') OR c.relname LIKE 'attempts%'
               OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relname IN ('events', 'deliveries') OR relname LIKE 'attempts%'))`);
    assert.ok(files.length >= 3);
    let control = false;
    for (const f of files) {
      const bytes = (await row('SELECT pg_read_binary_file($1, 0, 67108864, true) AS b', [f.path]))[0].b as Buffer | null;
      if (!bytes) continue;
      holdsNone(bytes.toString('latin1'), `relation file ${f.path}`);
      control ||= bytes.toString('latin1').includes(adaEmployee().id);
    }
    assert.ok(control, 'the files read hold the rows: the event id (clear by design) is in one of them');
    // the WAL since the cluster started (a throwaway cluster): this run's IBAN is unique to it
    const wal = await row("SELECT name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' ORDER BY name");
    let walControl = false;
    for (const w of wal) {
      const bytes = (await row('SELECT pg_read_binary_file($1, 0, 67108864, true) AS b', [`pg_wal/${w.name}`]))[0].b as Buffer | null;
      if (!bytes) continue;
      assert.ok(!bytes.toString('latin1').includes(IBAN), `WAL segment ${w.name} holds the IBAN in clear`);
      walControl ||= bytes.toString('latin1').includes(adaEmployee().id);
    }
    assert.ok(walControl, 'the WAL read holds this run: the event id is in it');
  });

  test('the API shows her data opened; her name is found through the blind index', async () => {
    const admin = api(h.app, keys.aAdmin);
    const leaveDelivery = adaDeliveries.find((id) => id.startsWith(`dlv_${subs.ok}_`))!;
    const detail = await admin.get(`/v1/deliveries/${leaveDelivery}`);
    assert.equal(detail.status, 200, detail.text);
    assert.match(detail.body.subject.name, /Ada|Lovelace/);
    const shown = JSON.stringify(detail.body);
    assert.ok(shown.includes('ada.lovelace@example.com'), 'event and attempt bodies opened');
    assert.ok(detail.body.attempts.length >= 1 && detail.body.attempts[0].request.body.includes('ada.lovelace@example.com'));
    assert.ok(detail.body.attempts[0].response.body.includes('ada.lovelace@example.com'), 'the response body opened');
    for (const q of ['Lovelace', 'ada lovelace', 'ADA LOVELACE', 'Ada']) {
      const found = await admin.get(`/v1/deliveries?q=${encodeURIComponent(q)}`);
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.items.map((d: { id: string }) => d.id).sort(), adaDeliveries, `q=${q}`);
      assert.ok(found.body.items.every((d: { subject: { name: string } }) => d.subject.name === 'Ada Lovelace'));
    }
    assert.deepEqual((await admin.get('/v1/deliveries?q=Lovel')).body.items, [], 'a part of a word is not searchable (blind index)');
    assert.equal((await admin.get('/v1/deliveries?q=Hopper')).body.items.length, graceDeliveries.length);
  });

  test('access export: everything held about her, bodies opened, nothing of Grace', async () => {
    const res = await api(h.app, keys.aAdmin).get(`/v1/employees/${ADA}/export`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.employeeId, ADA);
    assert.equal(res.body.tenantId, A);
    assert.deepEqual(res.body.events.map((e: { id: string }) => e.id).sort(), [adaEmployee().id, adaSickLeave().id].sort());
    assert.equal(res.body.events.find((e: { type: string }) => e.type === 'employee.updated').body.data.bankAccount.iban, IBAN);
    assert.equal(res.body.events.find((e: { type: string }) => e.type === 'leave.approved').body.data.leaveAccount.categoryName, 'Sick leave');
    assert.deepEqual(res.body.deliveries.map((d: { id: string }) => d.id).sort(), adaDeliveries);
    const attempts = res.body.deliveries.flatMap((d: { attempts: unknown[] }) => d.attempts);
    assert.ok(attempts.length >= 4 && attempts.every((a: { request: { body: string } }) => a.request.body.includes(ADA)));
    assert.deepEqual(res.body.erasures, []);
    assert.ok(!res.text.includes('Hopper') && !res.text.includes(GRACE), "nothing of Grace's");
    const viaPlatform = await api(h.app, keys.platform).get(`/v1/tenants/${A}/employees/${ADA}/export`);
    assert.equal(viaPlatform.status, 200, 'a platform key names the tenant');
  });

  test("another tenant can neither erase nor export her: 404, and nothing changes", async () => {
    const before = JSON.stringify(await row('SELECT id, status, subject_name FROM deliveries WHERE tenant_id = $1 ORDER BY id', [A]));
    const b = api(h.app, keys.bAdmin);
    assert.equal((await b.post('/v1/erasures', { employeeId: ADA })).status, 404);
    assert.equal((await b.get(`/v1/employees/${ADA}/export`)).status, 404);
    assert.equal((await b.post(`/v1/tenants/${A}/erasures`, { employeeId: ADA })).status, 404);
    assert.equal((await b.get(`/v1/tenants/${A}/employees/${ADA}/export`)).status, 404);
    assert.deepEqual((await b.get('/v1/erasures')).body.items, []);
    assert.equal((await api(h.app, keys.aProducer).post('/v1/erasures', { employeeId: ADA })).status, 403, 'a producer key may not erase');
    const bad = await api(h.app, keys.aAdmin).post('/v1/erasures', { employeeId: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.headers['content-type'], /problem\+json/);
    assert.ok(JSON.stringify(bad.body).includes('employeeId'));
    assert.equal(JSON.stringify(await row('SELECT id, status, subject_name FROM deliveries WHERE tenant_id = $1 ORDER BY id', [A])), before);
  });

  test('erasure: her open deliveries cancelled with its id, her key shredded, her rows redacted, Grace untouched; a receipt', async () => {
    sealedBefore = (await row('SELECT body::json#>>\'{}\' AS v FROM events WHERE tenant_id = $1 AND employee_id = $2', [A, ADA])).map((r) => r.v);
    assert.equal((await openValues(h.db.pool, sealedBefore)).filter((v) => String(v).includes(IBAN)).length, 1, 'opens before the erasure');
    const graceBefore = JSON.stringify(await row('SELECT * FROM deliveries WHERE id = ANY($1) ORDER BY id', [graceDeliveries]));
    const res = await api(h.app, keys.aAdmin).post('/v1/erasures', { employeeId: ADA });
    assert.equal(res.status, 201, res.text);
    erasureId = res.body.id;
    assert.match(erasureId, /^ers_/);
    assert.deepEqual(Object.keys(res.body).sort(), ['at', 'by', 'counts', 'employeeId', 'id']);
    assert.equal(res.body.employeeId, ADA);
    assert.equal(res.body.by, 'a-admin');
    assert.deepEqual(res.body.counts, { events: 2, deliveries: 4, attempts: (await row('SELECT count(*)::int AS n FROM attempts WHERE delivery_id = ANY($1)', [adaDeliveries]))[0].n });
    holdsNone(res.text, 'the receipt');

    for (const id of adaDeliveries.filter((d) => d.startsWith(`dlv_${subs.retry}_`))) {
      const [d] = await row('SELECT status, actions FROM deliveries WHERE id = $1', [id]);
      assert.equal(d.status, 'cancelled', `${id} cancelled`);
      assert.ok(d.actions.some((a: { kind: string; note: string }) => a.kind === 'cancel' && a.note === `erasure ${erasureId}`), JSON.stringify(d.actions));
    }
    // the key is gone: what was sealed under it no longer opens, whatever copy of it remains (WAL, backups)
    assert.deepEqual(await openValues(h.db.pool, sealedBefore), sealedBefore.map(() => 'erased'));
    const keysLeft = await row('SELECT wrapped, erased_at FROM employee_keys WHERE tenant_id = $1 AND employee_id = $2', [A, ADA]);
    assert.ok(keysLeft.length > 0 && keysLeft.every((k) => k.wrapped === null && k.erased_at !== null));

    const admin = api(h.app, keys.aAdmin);
    for (const id of adaDeliveries) {
      const detail = await admin.get(`/v1/deliveries/${id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.subject.name, 'erased');
      assert.deepEqual(detail.body.event, { erased: erasureId });
      assert.ok(detail.body.attempts.every((a: { request: { body: string } }) => a.request.body === 'erased'));
      holdsNone(detail.text, `GET /v1/deliveries/${id} after the erasure`);
    }
    assert.deepEqual((await admin.get('/v1/deliveries?q=Lovelace')).body.items, [], 'her name is no longer found');
    const exported = await admin.get(`/v1/employees/${ADA}/export`);
    assert.equal(exported.status, 200);
    holdsNone(exported.text, 'the export after the erasure');
    assert.deepEqual(exported.body.erasures.map((e: { id: string }) => e.id), [erasureId]);
    for (const table of ['events', 'deliveries', 'attempts']) {
      holdsNone((await row(`SELECT t::text AS line FROM ${table} t WHERE tenant_id = $1`, [A])).map((r) => r.line).join('\n'), table);
    }

    assert.equal(JSON.stringify(await row('SELECT * FROM deliveries WHERE id = ANY($1) ORDER BY id', [graceDeliveries])), graceBefore, "Grace's rows untouched");
    const grace = await admin.get(`/v1/deliveries/${graceDeliveries[0]}`);
    assert.equal(grace.body.subject.name, 'Grace Hopper');
    assert.equal(grace.body.event.data.email, 'grace.hopper@example.com');
  });

  test('idempotent: erasing her again answers a new receipt with zero counts; GET /v1/erasures lists both', async () => {
    const again = await api(h.app, keys.aAdmin).post('/v1/erasures', { employeeId: ADA });
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.body.id, erasureId);
    assert.deepEqual(again.body.counts, { events: 0, deliveries: 0, attempts: 0 });
    const list = await api(h.app, keys.aAdmin).get('/v1/erasures');
    assert.deepEqual(list.body.items.map((e: { id: string }) => e.id), [again.body.id, erasureId]);
    assert.deepEqual((await api(h.app, keys.platform).get(`/v1/tenants/${A}/erasures`)).body.items.length, 2);
  });

  test('not a block list: a later event about her gets a new key and reads', async () => {
    const later = { ...adaEmployee(), id: `ada-later-${run}` };
    const res = await api(h.app, keys.aProducer).post('/v1/events', later);
    assert.equal(res.status, 202, res.text);
    const live = await row('SELECT key_id FROM employee_keys WHERE tenant_id = $1 AND employee_id = $2 AND erased_at IS NULL', [A, ADA]);
    assert.equal(live.length, 1, 'one new live key');
    const id = res.body.deliveries.find((d: { id: string }) => d.id.startsWith(`dlv_${subs.ok}_`)).id;
    await eventually(async () => ((await statusOf(id)) === 'delivered' ? true : undefined), 20_000, 'the later event delivered');
    const detail = await api(h.app, keys.aAdmin).get(`/v1/deliveries/${id}`);
    assert.equal(detail.body.event.data.bankAccount.iban, IBAN);
  });

  test('erased by another process while this one holds her key in its cache: the next event is sealed under a fresh key and reads', async () => {
    // the gateway above has her live key cached (the event just before); another gateway erases her: its UPDATE
    // is the erasure's as far as this process can see
    await h.db.pool.query('UPDATE employee_keys SET wrapped = NULL, erased_at = now() WHERE tenant_id = $1 AND employee_id = $2 AND erased_at IS NULL', [A, ADA]);
    const next = { ...adaEmployee(), id: `ada-after-remote-erasure-${run}` };
    const res = await api(h.app, keys.aProducer).post('/v1/events', next);
    assert.equal(res.status, 202, res.text);
    const live = await row('SELECT key_id FROM employee_keys WHERE tenant_id = $1 AND employee_id = $2 AND erased_at IS NULL', [A, ADA]);
    assert.equal(live.length, 1, 'a fresh live key');
    const stored = await row('SELECT body FROM events WHERE tenant_id = $1 AND id = $2', [A, next.id]);
    assert.ok(String(stored[0]!.body).includes(live[0]!.key_id), 'sealed under the fresh key, not the erased one');
    const id = res.body.deliveries.find((d: { id: string }) => d.id.startsWith(`dlv_${subs.ok}_`)).id;
    await eventually(async () => ((await statusOf(id)) === 'delivered' ? true : undefined), 20_000, 'the event delivered');
    const detail = await api(h.app, keys.aAdmin).get(`/v1/deliveries/${id}`);
    assert.equal(detail.body.event.data.bankAccount.iban, IBAN, 'the accepted event reads: not lost to the erased key');
  });
});
