// The embedded Postgres (npm start, the bench, the tests) lets no one in without the superuser password:
// not over TCP on 127.0.0.1, not over its Unix socket (which sits in a 0700 directory); the password is kept
// 0600; hrhooks connects with it. A cluster initialised before (pg_hba.conf `trust`) is converted, data kept;
// a lost password file gets a new password.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { passwordFileOf, startLocalCluster, type LocalCluster } from '../../src/local/localCluster';
import { createPool } from '../../src/infra/db/pool';
import { migrate } from '../../src/infra/db/migrate';
import { freePort } from '../../dev-support/ports';

let dir: string;
let port: number;
let cluster: LocalCluster;
const dataDir = () => path.join(dir, 'pg');
const socketDir = () => path.join(dir, 'sock');

function start(): LocalCluster {
  return startLocalCluster({ dataDir: dataDir(), port, socketDir: socketDir(), fsync: false });
}

/** The error Postgres (or the client, asked for a password it does not have) answers, or null if let in. */
async function refusal(config: ConstructorParameters<typeof Client>[0]): Promise<{ code?: string; message: string } | null> {
  const client = new Client(config);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-cluster-'));
  fs.chmodSync(dir, 0o755);
  port = await freePort();
  cluster = start();
});
after(() => {
  cluster?.stop('immediate');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded Postgres cluster', () => {
  it('refuses the superuser without the password, keeps the password 0600, and hrhooks still connects', async () => {
    const noPassword = await refusal({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    assert.ok(noPassword, 'a connection without the password is refused');
    const wrong = await refusal({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: 'not-the-password' });
    assert.equal(wrong?.code, '28P01', `wrong password over TCP: ${wrong?.message}`);
    const overSocket = await refusal({ host: socketDir(), port, user: 'postgres', database: 'postgres', password: 'not-the-password' });
    assert.equal(overSocket?.code, '28P01', `wrong password over the Unix socket: ${overSocket?.message}`);

    assert.equal(cluster.passwordFile, passwordFileOf(dataDir()));
    assert.equal(modeOf(cluster.passwordFile), 0o600, 'password file mode');
    assert.equal(modeOf(socketDir()), 0o700, 'socket directory mode');
    const hba = fs.readFileSync(path.join(dataDir(), 'pg_hba.conf'), 'utf8');
    assert.deepEqual(hba.split('\n').filter((l) => /^\s*[^#\s]/.test(l) && /\btrust\b/.test(l)), [], 'no trust rule');
    assert.match(cluster.url, /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:/, 'the URL carries the password');

    const pool = createPool(cluster.url, 2);
    try {
      await migrate(pool);
      assert.equal((await pool.query('SELECT current_user AS u')).rows[0].u, 'postgres');
    } finally {
      await pool.end();
    }
  });

  it('converts a cluster initialised before the password (trust for every local user), its data kept', async () => {
    const pool = createPool(cluster.url, 1);
    await pool.query('CREATE TABLE kept (n int)');
    await pool.query('INSERT INTO kept VALUES (42)');
    await pool.end();
    cluster.stop('fast');
    // What an earlier hrhooks left: initdb --auth=trust, and no password file.
    fs.writeFileSync(path.join(dataDir(), 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
    fs.rmSync(passwordFileOf(dataDir()));

    cluster = start();
    assert.equal(modeOf(cluster.passwordFile), 0o600);
    assert.ok(await refusal({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' }), 'no password: refused');
    const wrong = await refusal({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: 'x' });
    assert.equal(wrong?.code, '28P01', wrong?.message);
    const client = new Client({ connectionString: cluster.url });
    await client.connect();
    try {
      assert.equal((await client.query('SELECT n FROM kept')).rows[0].n, 42);
    } finally {
      await client.end();
    }
  });

  it('sets a new password when the password file was lost', async () => {
    cluster.stop('fast');
    const before = fs.readFileSync(passwordFileOf(dataDir()), 'utf8');
    fs.rmSync(passwordFileOf(dataDir()));
    cluster = start();
    assert.notEqual(fs.readFileSync(cluster.passwordFile, 'utf8'), before, 'a new password');
    assert.equal(modeOf(cluster.passwordFile), 0o600);
    const client = new Client({ connectionString: cluster.url });
    await client.connect();
    try {
      assert.equal((await client.query('SELECT n FROM kept')).rows[0].n, 42);
    } finally {
      await client.end();
    }
    const old = await refusal({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: before.trim() });
    assert.equal(old?.code, '28P01', 'the old password no longer works');
  });
});
