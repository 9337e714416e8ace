// A real Postgres database per test file: a fresh database on the cluster named
// by DATABASE_URL (the test runner starts one), or on a private throwaway cluster.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, type Pool } from 'pg';
import { startLocalCluster, type LocalCluster } from '../../src/local/localCluster';
import { createPool } from '../../src/infra/db/pool';
import { migrate } from '../../src/infra/db/migrate';
import { freePort } from '../../dev-support/ports';

let privateCluster: LocalCluster | null = null;


/** The cluster test databases live on (the runner's, DATABASE_URL), else a private throwaway one. */
export async function clusterUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!privateCluster) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-pg-'));
    fs.chmodSync(dir, 0o755);
    privateCluster = startLocalCluster({ dataDir: path.join(dir, 'data'), port: await freePort(), fsync: false, socketDir: path.join(dir, 'sock') });
    const cluster = privateCluster;
    const cleanup = () => {
      cluster.stop('immediate');
      fs.rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', cleanup);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        cleanup();
        process.exit(signal === 'SIGTERM' ? 143 : 130);
      });
    }
  }
  return privateCluster.url;
}

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = await clusterUrl();
  const name = `hrhooks_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(base, name);
  const pool = createPool(url, 20);
  await migrate(pool);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
