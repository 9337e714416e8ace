// `hrhooks tenants …`, `keys create|list|revoke --tenant --scope` and the global --tenant / HRHOOKS_TENANT, run as
// a child process (bin/hrhooks) on a real database, Temporal and gateway: tenants are created, shown, updated,
// disabled and deleted straight in Postgres; keys are made offline in the tenant named; API commands (send)
// call /v1/tenants/<id>/… when a tenant is named.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApiKey } from '../../src/infra/db/apiKeys';
import { listen, type RunningGateway } from '../../src/interfaces/api/server';
import { createLogger } from '../../src/infra/observability/log';
import { as, employeeEvent, startHarness, type Harness } from '../gateway/harness';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testBox } from '../support/temporal';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('hrhooks tenants and --tenant', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  let gateway: RunningGateway;
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env: { ...env, ...extra }, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    h = await startHarness();
    gateway = await listen(
      { pool: h.db.pool, temporal: h.temporal, taskQueue: h.taskQueue, box: testBox, config: h.config, log: createLogger('silent') },
      { port: 0, host: '127.0.0.1' },
    );
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.address, TEMPORAL_TASK_QUEUE: h.taskQueue,
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-tenants-')),
    };
  });
  after(async () => {
    await gateway?.stop();
    await h?.close();
  });

  test('tenants create|list|show|update|disable|enable: options map onto fields, a bad one is named by its option', async () => {
    const created = await cli(['tenants', 'create', '--id', 'acme-nz', '--name', 'Acme NZ', '--portal-origin', 'https://hr.acme.example',
      '--portal-origin', 'http://127.0.0.1:8080', '--accent-color', '#0a7d5a', '--events-per-second', '20']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^created tenant acme-nz\n/);
    const { rows } = await h.db.pool.query("SELECT name, portal_origins, branding, limits FROM tenants WHERE id = 'acme-nz'");
    assert.deepEqual(rows[0], { name: 'Acme NZ', portal_origins: ['https://hr.acme.example', 'http://127.0.0.1:8080'], branding: { accentColor: '#0a7d5a' }, limits: { eventsPerSecond: 20 } });

    const generated = await cli(['tenants', 'create', '--name', 'Generated', '--json']);
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(JSON.parse(generated.stdout).id, /^tnt_/);
    const again = await cli(['tenants', 'create', '--id', 'acme-nz', '--name', 'x']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^hrhooks tenants: tenant acme-nz exists already/);
    const bad = await cli(['tenants', 'create', '--id', 'bad-one', '--name', 'x', '--accent-color', 'red', '--portal-origin', 'http://hr.example', '--max-subscriptions', 'many']);
    assert.equal(bad.code, 2);
    for (const option of ['--accent-color', '--portal-origin', '--max-subscriptions']) assert.match(bad.stderr, new RegExp(`${option}: `), bad.stderr);
    assert.equal((await h.db.pool.query("SELECT count(*)::int AS n FROM tenants WHERE id = 'bad-one'")).rows[0].n, 0);

    const updated = await cli(['tenants', 'update', 'acme-nz', '--max-subscriptions', '5', '--brand-name', 'Acme']);
    assert.equal(updated.code, 0, updated.stderr);
    const after = await h.db.pool.query("SELECT branding, limits FROM tenants WHERE id = 'acme-nz'");
    assert.deepEqual(after.rows[0], { branding: { accentColor: '#0a7d5a', name: 'Acme' }, limits: { eventsPerSecond: 20, subscriptions: 5 } }, 'the options given, over the stored ones');

    const list = await cli(['tenants', 'list']);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+NAME\s+STATE\s+CREATED$/);
    assert.match(lines.find((l) => l.startsWith('acme-nz'))!, /^acme-nz\s+Acme NZ\s+active\s/);
    assert.ok(lines.some((l) => l.startsWith('default ')));
    const shown = await cli(['tenants', 'show', 'acme-nz']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /portal origins https:\/\/hr\.acme\.example, http:\/\/127\.0\.0\.1:8080/);
    assert.match(shown.stdout, /limits\s+eventsPerSecond=20 subscriptions=5/);
    assert.equal((await cli(['tenants', 'show', 'nobody'])).code, 1);

    assert.equal((await cli(['tenants', 'disable', 'acme-nz'])).code, 0);
    assert.ok((await h.db.pool.query("SELECT disabled_at FROM tenants WHERE id = 'acme-nz'")).rows[0].disabled_at);
    assert.match((await cli(['tenants', 'list'])).stdout, /acme-nz\s+Acme NZ\s+disabled /);
    assert.equal((await cli(['tenants', 'enable', 'acme-nz'])).code, 0);
    assert.equal((await h.db.pool.query("SELECT disabled_at FROM tenants WHERE id = 'acme-nz'")).rows[0].disabled_at, null);
  });

  test('keys create --tenant --scope (offline), list and revoke in one tenant; HRHOOKS_TENANT the same', async () => {
    assert.equal((await cli(['tenants', 'create', '--id', 'keys-co', '--name', 'Keys Co'])).code, 0);
    const admin = await cli(['keys', 'create', '--tenant', 'keys-co', '--scope', 'admin', '--name', 'keys-co admin', '--json']);
    assert.equal(admin.code, 0, admin.stderr);
    const adminKey = JSON.parse(admin.stdout);
    assert.deepEqual([adminKey.scope, adminKey.tenantId], ['admin', 'keys-co']);
    const producer = await cli(['keys', 'create', '--scope', 'producer', '--name', 'keys-co producer', '--json'], { HRHOOKS_TENANT: 'keys-co' });
    assert.equal(producer.code, 0, producer.stderr);
    assert.equal(JSON.parse(producer.stdout).tenantId, 'keys-co');
    const defaultKey = JSON.parse((await cli(['keys', 'create', '--scope', 'producer', '--name', 'default producer', '--json'])).stdout);
    assert.equal(defaultKey.tenantId, 'default', 'no tenant named: default, as before');
    const platform = await cli(['keys', 'create', '--scope', 'platform', '--name', 'ops', '--json']);
    assert.equal(platform.code, 0, platform.stderr);
    assert.deepEqual([JSON.parse(platform.stdout).scope, JSON.parse(platform.stdout).tenantId], ['platform', null]);
    assert.equal((await cli(['keys', 'create', '--scope', 'platform', '--name', 'x', '--tenant', 'keys-co'])).code, 2);
    assert.match((await cli(['keys', 'create', '--scope', 'admin', '--name', 'x', '--tenant', 'nobody'])).stderr, /no tenant nobody/);
    assert.equal((await cli(['keys', 'create', '--scope', 'admin', '--name', 'x', '--tenant', 'not a tenant'])).code, 2);

    // the key made offline works on the API, in its tenant
    const listed = await request(gateway.url).get('/v1/keys').set(as(adminKey.key));
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body.items.map((k: { name: string }) => k.name).sort(), ['keys-co admin', 'keys-co producer']);

    const scopedList = JSON.parse((await cli(['keys', 'list', '--tenant', 'keys-co', '--json'])).stdout);
    assert.deepEqual(scopedList.items.map((k: { name: string }) => k.name).sort(), ['keys-co admin', 'keys-co producer']);
    const platformList = JSON.parse((await cli(['--tenant', 'keys-co', 'keys', 'list', '--json'], {})).stdout);
    assert.deepEqual(platformList.items.length, 2, '--tenant before the command works too');
    const onlyPlatform = JSON.parse((await cli(['keys', 'list', '--scope', 'platform', '--json'])).stdout);
    assert.ok(onlyPlatform.items.length >= 1 && onlyPlatform.items.every((k: { scope: string }) => k.scope === 'platform'));
    assert.match((await cli(['keys', 'list', '--tenant', 'nobody'])).stderr, /no tenant nobody/);

    const outside = await cli(['keys', 'revoke', defaultKey.id, '--tenant', 'keys-co']);
    assert.equal(outside.code, 1, 'a key of another tenant is not found in this one');
    assert.equal((await h.db.pool.query('SELECT revoked_at FROM api_keys WHERE id = $1', [defaultKey.id])).rows[0].revoked_at, null);
    const revoked = await cli(['keys', 'revoke', JSON.parse(producer.stdout).id, '--tenant', 'keys-co']);
    assert.equal(revoked.code, 0, revoked.stderr);
  });

  test('send --tenant posts to /v1/tenants/<id>/events with a platform key; tenants delete revokes its keys; default stays', async () => {
    assert.equal((await cli(['tenants', 'create', '--id', 'send-co', '--name', 'Send Co'])).code, 0);
    const platformKey = await createApiKey(h.db.pool, 'platform', 'cli platform', null);
    const tenantAdmin = JSON.parse((await cli(['keys', 'create', '--tenant', 'send-co', '--scope', 'admin', '--name', 'send-co admin', '--json'])).stdout);
    const file = path.join(env.HRHOOKS_DATA_DIR!, 'tenant-event.json');
    fs.writeFileSync(file, JSON.stringify(employeeEvent('employee.created', 'evt-cli-tenant')));
    const sent = await cli(['send', file, '--url', gateway.url, '--key', platformKey.key, '--tenant', 'send-co']);
    assert.equal(sent.code, 0, sent.stderr);
    const viaEnv = await cli(['send', file, '--url', gateway.url, '--key', platformKey.key], { HRHOOKS_TENANT: 'send-co' });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const stored = await h.db.pool.query("SELECT tenant_id FROM events WHERE id = 'evt-cli-tenant'");
    assert.deepEqual(stored.rows.map((r) => r.tenant_id), ['send-co'], 'stored in the tenant named (once: the second send is a replay)');

    const refusedDefault = await cli(['tenants', 'delete', 'default']);
    assert.equal(refusedDefault.code, 1);
    assert.match(refusedDefault.stderr, /default tenant cannot be deleted/);
    const deleted = await cli(['tenants', 'delete', 'send-co']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /^deleted tenant send-co: open deliveries cancelled, 1 key\(s\) revoked, 0 web session\(s\) ended/);
    assert.ok((await h.db.pool.query('SELECT revoked_at FROM api_keys WHERE id = $1', [tenantAdmin.id])).rows[0].revoked_at);
    assert.equal((await request(gateway.url).get('/v1/keys').set(as(tenantAdmin.key))).status, 401);
    assert.equal((await cli(['tenants', 'show', 'send-co'])).code, 1);
    assert.equal((await cli(['send', file, '--url', gateway.url, '--key', platformKey.key, '--tenant', 'send-co'])).code, 1, 'a deleted tenant: 404');
  });

  test('--help: the tenants commands and the global --tenant are explained', async () => {
    for (const args of [['tenants', '--help'], ['tenants', 'create', '--help'], ['tenants', 'delete', '--help'], ['keys', 'create', '--help']]) {
      const run = await cli(args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: hrhooks ${args.slice(0, -1).join(' ')} `));
      assert.match(run.stdout, /--tenant <id>/, `${args.join(' ')} shows the global --tenant`);
    }
    assert.match((await cli(['keys', 'create', '--help'])).stdout, /platform \(manages tenants\), admin or producer/);
  });
});
