// `hrhooks portal-link <tenant>` as a child process (bin/hrhooks) on a real database: prints a single-use link
// based at HRHOOKS_PUBLIC_URL that a gateway on the same database opens once (a viewer's session of that
// tenant); bad options and unknown tenants are refused with the option named.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { authApp, sessionCookieOf } from '../gateway/authApps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
const PUBLIC = 'https://hooks.example.test';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('hrhooks portal-link', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(BIN, args, { env, cwd: os.tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    db = await createTestDatabase();
    await db.pool.query("INSERT INTO tenants (id, name, portal_origins) VALUES ('acme-nz', 'Acme NZ', '[\"https://hr.acme.example\"]')");
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      HRHOOKS_PUBLIC_URL: PUBLIC,
      HRHOOKS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-portal-link-')),
    };
  });
  after(() => db?.drop());

  test('prints a link that opens once, as a viewer of that tenant', async () => {
    const run = await cli('portal-link', 'acme-nz', '--role', 'viewer', '--ttl', '15m');
    assert.equal(run.code, 0, run.stderr);
    const url = new URL(run.stdout.trim());
    assert.equal(url.origin, PUBLIC);
    assert.equal(url.pathname, '/portal/open');
    assert.match(run.stderr, /opens once, until .*viewer, tenant acme-nz/);
    const { rows } = await db.pool.query("SELECT role, tenant_id, extract(epoch FROM expires_at - created_at)::int AS ttl FROM portal_tokens");
    assert.deepEqual(rows, [{ role: 'viewer', tenant_id: 'acme-nz', ttl: 900 }]);

    const app = authApp(db.pool);
    const opened = await request(app).get(url.pathname + url.search);
    assert.equal(opened.status, 303);
    const cookie = `hrhooks_session=${sessionCookieOf(opened)!.value}`;
    const page = await request(app).get('/').set('cookie', cookie);
    assert.match(page.text, /read-only/);
    assert.equal((await request(app).get(url.pathname + url.search)).status, 410, 'once only');
  });

  test('--json, and refusals naming the option or the tenant', async () => {
    const json = await cli('portal-link', 'acme-nz', '--json');
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout) as { url: string; expiresAt: string };
    assert.ok(body.url.startsWith(`${PUBLIC}/portal/open?token=hpt_`));
    assert.ok(Date.parse(body.expiresAt) > Date.now());
    const long = await cli('portal-link', 'acme-nz', '--ttl', '2h');
    assert.notEqual(long.code, 0);
    assert.match(long.stderr, /--ttl: between 10s and 1h/);
    const role = await cli('portal-link', 'acme-nz', '--role', 'owner', '--return-url', 'https://evil.example/');
    assert.match(role.stderr, /--role: .*--return-url: /);
    const missing = await cli('portal-link', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no tenant nope/);
  });
});
