// `hrhooks data encrypt-existing` (issue 23): rows stored in clear by a version before data keys (made here with data
// keys off) are sealed under their employee's key by the real CLI; then Postgres holds none of her strings in clear,
// the repositories read them as before, her name is found through the blind index, and a second run finds nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { subjectOf } from '../../src/domain/events/subject';
import type { HrEvent } from '../../src/domain/events/schema';
import { deliveryIdFor } from '../../src/domain/formats/identity';
import { getDelivery, listDeliveries } from '../../src/infra/db/deliveries';
import { recordAttempts } from '../../src/infra/db/deliveryStatus';
import { configureDataKeys } from '../../src/infra/db/employeeKeys';
import { getEventBody, storeEvent } from '../../src/infra/db/events';
import { insertSubscription } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TEST_PAYLOAD_KEY } from '../support/temporal';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
const event = {
  id: `ada-old-${process.pid}-${Date.now()}`, type: 'employee.updated', occurredAt: '2026-01-02T03:04:05Z',
  data: { id: 'E-ADA', firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com' },
} as HrEvent;

function cli(db: TestDatabase, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: os.tmpdir(), DATABASE_URL: db.url, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, HRHOOKS_DATA_DIR: path.join(os.tmpdir(), 'hrhooks-no-instance') };
  return new Promise((resolve) => execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) =>
    resolve({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr })));
}

describe('hrhooks data encrypt-existing', () => {
  let db: TestDatabase;
  let deliveryId = '';
  const raw = async () => (await db.pool.query(
    `SELECT (SELECT string_agg(t::text, '\n') FROM events t) || (SELECT string_agg(t::text, '\n') FROM deliveries t) || (SELECT string_agg(t::text, '\n') FROM attempts t) AS all`,
  )).rows[0].all as string;

  before(async () => {
    db = await createTestDatabase();
    const sub = await insertSubscription(db.pool, { format: 'standard', url: 'http://127.0.0.1:9/hr' });
    deliveryId = deliveryIdFor(sub.id, event.id, 'default');
    configureDataKeys(null); // the rows a version before data keys wrote
    try {
      await storeEvent(db.pool, 'default', event, false, async () => [{ id: deliveryId, subscriptionId: sub.id, format: 'standard', subject: subjectOf('employee.updated', event.data) }]);
      await recordAttempts(db.pool, [{
        attempt: {
          deliveryId, number: 1, startedAt: new Date(), durationMs: 5, url: 'http://127.0.0.1:9/hr', requestHeaders: {}, requestBody: JSON.stringify(event),
          statusCode: 500, responseHeaders: {}, responseBody: 'no: ada.lovelace@example.com', responseTruncated: false, errorKind: null, errorMessage: null, outcome: 'failure',
        },
        update: { status: 'failed', nextAttemptAt: null, lastError: 'HTTP 500' },
      }]);
    } finally {
      configureDataKeys(TEST_PAYLOAD_KEY);
    }
    assert.ok((await raw()).includes('Lovelace'), 'the rows from before are in clear');
  });
  after(() => db?.drop());

  test('seals them, reads them back, finds her name; a second run finds nothing', async () => {
    const first = await cli(db, 'data', 'encrypt-existing', '--json');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { events: 1, deliveries: 1, attempts: 1 });
    const text = await raw();
    for (const s of ['Lovelace', 'ada.lovelace@example.com']) assert.ok(!text.includes(s), `"${s}" still in clear`);
    assert.equal((await db.pool.query('SELECT employee_id FROM events WHERE id = $1', [event.id])).rows[0].employee_id, 'E-ADA');

    const found = await getDelivery(db.pool, deliveryId);
    assert.equal(found!.delivery.subject.name, 'Ada Lovelace');
    assert.equal(found!.attempts[0]!.request.body, JSON.stringify(event));
    assert.equal(found!.attempts[0]!.response.body, 'no: ada.lovelace@example.com');
    assert.deepEqual(await getEventBody(db.pool, 'default', event.id), event);
    assert.deepEqual((await listDeliveries(db.pool, { q: 'lovelace' })).items.map((d) => d.id), [deliveryId]);

    const second = await cli(db, 'data', 'encrypt-existing', '--json');
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), { events: 0, deliveries: 0, attempts: 0 });
    const usage = await cli(db, 'data', 'encrypt-existing', '--batch', '0');
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /--batch/);
  });
});
