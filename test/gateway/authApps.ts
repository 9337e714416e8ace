// Gateway apps for the authentication tests: createApp with the web interface on a given pool (several apps on
// one database stand for several gateways), Temporal unreachable (these routes never need it), a real gateway
// process (`bin/hrhooks gateway`: nothing shared in memory with the test), and helpers to sign in through
// /login and read the session cookie.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Express } from 'express';
import type { Pool } from 'pg';
import request from 'supertest';
import { loadConfig } from '../../src/infra/config';
import { createApp } from '../../src/interfaces/api/app';
import { csrfTokenFor } from '../../src/interfaces/web/csrf';
import { SESSION_COOKIE } from '../../src/interfaces/web/session';
import { createUiRouter } from '../../src/interfaces/web/router';
import { createLogger } from '../../src/infra/observability/log';
import { freePort } from '../../dev-support/ports';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY, testBox } from '../support/temporal';
import { waitFor } from '../support/waitFor';
import { unreachableTemporal } from './harness';

type Target = Express | string;

export function authApp(pool: Pool, env: Record<string, string> = {}): Express {
  const config = loadConfig({ TEMPORAL_UI_URL: 'http://temporal-ui.test', ...env });
  const log = createLogger('silent');
  const temporal = unreachableTemporal();
  const deps = { pool, taskQueue: 'auth-tests', box: testBox, config, log };
  return createApp({ ...deps, temporal, ui: createUiRouter({ ...deps, temporal }) });
}

/** The session cookie's value in a response's Set-Cookie headers, and its full header line. */
export function sessionCookieOf(res: request.Response): { value: string; line: string } | null {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  return line ? { value: line.slice(SESSION_COOKIE.length + 1).split(';')[0]!, line } : null;
}

/** Signs in with `key` through the form; returns the cookie value (asserted by the caller). */
export async function signIn(app: Target, key: string, headers: Record<string, string> = {}): Promise<request.Response> {
  return request(app).post('/login').set(headers).type('form').send({ key, next: '/' });
}

/** The CSRF token of the session in a cookie (what every page of that session carries in its forms). */
export function csrfOf(cookie: string): string {
  const sealed = Buffer.from(cookie, 'base64url').toString('utf8');
  return csrfTokenFor(JSON.parse(testBox.open(sealed)).n);
}

/** Whether `app` honours the cookie: /login redirects a signed-in operator, else shows the form. */
export async function isSignedIn(app: Target, cookie: string): Promise<boolean> {
  const res = await request(app).get('/login').set('cookie', `${SESSION_COOKIE}=${cookie}`);
  if (res.status !== 302 && res.status !== 200) throw new Error(`GET /login answered ${res.status}`);
  return res.status === 302;
}

export interface GatewayChild {
  url: string;
  stop(): Promise<void>;
}

/** `bin/hrhooks gateway` on a free port of 127.0.0.1, ready once /healthz answers; stop() is SIGTERM and its exit. */
export async function spawnGateway(databaseUrl: string, temporalAddress: string): Promise<GatewayChild> {
  const port = await freePort();
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'hrhooks');
  const child = spawn(bin, ['gateway'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: 'auth-tests', HRHOOKS_SECRET_KEY: TEST_SECRET_KEY, HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`gateway process on ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${output}`);
    return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
  }, 60_000, 200);
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
