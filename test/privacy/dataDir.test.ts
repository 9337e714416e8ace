// Issue 23 done-when (b), the files: `hrhooks start` on a fresh data dir (embedded Postgres, the Temporal dev server's
// store, the logs), events about Ada Lovelace (her email, an IBAN, a sick leave) and Grace Hopper delivered to a real
// receiver, Ada erased; after a clean stop (every page on disk) no file under the data dir holds any of Ada's strings
// in clear, while the data is there (the event ids, in clear by design, are found: the scan reads what was written).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startReceiver, type Receiver } from '../support/receiver';
import { waitFor } from '../support/waitFor';
import { exitWithin, killAll, processesOf, spawnHrhooks, startSetup, type Spawned, type StartSetup } from '../start/startProcess';

const IBAN = `FR76${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}${crypto.randomInt(10 ** 9, 10 ** 10 - 1)}`;
const ADA_STRINGS = ['Lovelace', 'ada.lovelace@example.com', IBAN, 'Sick leave'];
const run = `${process.pid}-${Date.now()}`;

const events = [
  { id: `ada-upd-${run}`, type: 'employee.updated', occurredAt: '2026-01-02T03:04:05Z',
    data: { id: 'E-ADA', firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com', bankAccount: { iban: IBAN } } },
  { id: `ada-leave-${run}`, type: 'leave.approved', occurredAt: '2026-01-03T09:00:00Z',
    data: {
      id: 5001, owner: { id: 'E-ADA', name: 'Ada Lovelace', email: 'ada.lovelace@example.com', employeeNumber: '00042' },
      leaveAccount: { id: 7, name: 'Sick leave', categoryId: 3, categoryName: 'Sick leave', unit: 'days' },
      start: { date: '2026-01-05', half: 'AM' }, end: { date: '2026-01-06', half: 'PM' }, halfDays: null, durationInHours: null,
      isConfirmed: true, confirmationDate: '2026-01-03T09:00:00', isCancelled: false, cancellationDate: null, creationDate: '2026-01-02T09:00:00',
    } },
  { id: `grace-upd-${run}`, type: 'employee.updated', occurredAt: '2026-01-02T03:04:06Z',
    data: { id: 'E-GRACE', firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com' } },
];

/** Every regular file under dir (sockets, fifos skipped). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

describe('the data dir after a clean stop holds none of her strings in clear', () => {
  let setup: StartSetup;
  let started: Spawned;
  let receiver: Receiver;

  before(async () => {
    setup = await startSetup('hrhooks-privacy-');
    receiver = await startReceiver();
    receiver.respondWith((req) => ({ status: 200, body: req.body })); // echoed: the response bodies hold her data too
  });
  after(async () => {
    await receiver?.close();
    killAll(processesOf(setup.dataDir));
    fs.rmSync(setup.dataDir, { recursive: true, force: true });
  });

  it('posts, delivers, erases Ada, stops cleanly; then scans every file', async () => {
    started = spawnHrhooks(['start'], setup.env);
    const admin = (await started.waitForOutput(/admin key\s+(\S+)/))[1]!;
    const producer = (await started.waitForOutput(/producer key\s+(\S+)/))[1]!;
    const base = `http://127.0.0.1:${setup.ports.gateway}`;
    const call = async (method: string, p: string, key: string, body?: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    const sub = await call('POST', '/v1/subscriptions', admin, { name: 'hr', url: `${receiver.url}/hr`, format: 'standard', events: '*' });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const deliveryIds: string[] = [];
    for (const event of events) {
      const res = await call('POST', '/v1/events', producer, event);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      deliveryIds.push(...res.body.deliveries.map((d: { id: string }) => d.id));
    }
    await waitFor('the three deliveries delivered', async () => {
      for (const id of deliveryIds) if ((await call('GET', `/v1/deliveries/${id}`, admin)).body?.status !== 'delivered') return false;
      return true;
    }, 60_000, 200);
    const shown = await call('GET', `/v1/deliveries/${deliveryIds[0]}`, admin);
    assert.equal(shown.body.event.data.bankAccount.iban, IBAN, 'the API shows her data while it is held');
    const erased = await call('POST', '/v1/erasures', admin, { employeeId: 'E-ADA' });
    assert.equal(erased.status, 201, JSON.stringify(erased.body));
    assert.equal((await call('GET', `/v1/deliveries/${deliveryIds[0]}`, admin)).body.subject.name, 'erased');
    assert.equal((await call('GET', `/v1/deliveries/${deliveryIds[2]}`, admin)).body.subject.name, 'Grace Hopper', "Grace's is untouched");

    process.kill(-started.child.pid!, 'SIGINT');
    const exit = await exitWithin(started, 90_000, 'hrhooks start after SIGINT');
    assert.equal(exit.code, 0, `clean stop: ${started.output().slice(-2000)}`);
    await waitFor('every process of the data dir gone', async () => processesOf(setup.dataDir).length === 0, 20_000);

    const files = filesUnder(setup.dataDir);
    const kinds = { postgres: false, wal: false, temporal: false };
    let eventIdsFound = 0;
    for (const file of files) {
      const text = fs.readFileSync(file).toString('latin1');
      for (const s of ADA_STRINGS) assert.ok(!text.includes(s), `${path.relative(setup.dataDir, file)} holds "${s}" in clear`);
      if (text.includes(events[0]!.id)) eventIdsFound += 1;
      if (file.includes(`${path.sep}base${path.sep}`)) kinds.postgres = true;
      if (file.includes(`${path.sep}pg_wal${path.sep}`)) kinds.wal = true;
      if (/temporal/i.test(path.relative(setup.dataDir, file))) kinds.temporal = true;
    }
    assert.deepEqual(kinds, { postgres: true, wal: true, temporal: true }, `the scan covered Postgres, its WAL and the Temporal store: ${files.length} files`);
    assert.ok(eventIdsFound > 0, 'the files hold this run (its event id, clear by design)');
    for (const s of ADA_STRINGS) assert.ok(!started.output().includes(s), `the processes' output holds "${s}"`);
  });
});
