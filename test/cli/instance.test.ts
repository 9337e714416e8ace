// The CLI finds the running all-in-one: `hrhooks start` writes <data dir>/instance.json (no secrets),
// and `bin/hrhooks deliveries list` from another shell works with only HRHOOKS_DATA_DIR, or from the
// folder holding data/ with no environment at all; explicit variables win; a clean stop removes the file.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../dev-support/ports';
import { waitFor } from '../support/waitFor';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'hrhooks');
let home: string;
let dataDir: string;
let child: ChildProcess | null = null;

/** The CLI as a user runs it in a fresh shell: PATH and HOME, plus what the case gives. */
function hrhooks(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  return spawnSync(BIN, args, { encoding: 'utf8', cwd, timeout: 60_000, env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...extra } });
}

before(async () => {
  const built = spawnSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `build failed: ${built.stderr}`);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hrhooks-instance-'));
  fs.chmodSync(home, 0o755);
  dataDir = path.join(home, 'data');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env, HRHOOKS_DATA_DIR: dataDir, PORT: String(port), TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()), HRHOOKS_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn',
  };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL']) delete env[name];
  const started = spawn(BIN, ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  let out = '';
  started.stdout!.on('data', (d) => (out += d));
  started.stderr!.on('data', (d) => (out += d));
  await waitFor('hrhooks start to print its keys', async () => {
    if (started.exitCode !== null) throw new Error(`hrhooks start exited ${started.exitCode}: ${out}`);
    return /producer key\s+\S+/.test(out);
  }, 120_000, 200);
  const admin = /admin key\s+(\S+)/.exec(out)![1]!;
  const res = await fetch(`http://127.0.0.1:${port}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'instance test', url: 'https://receiver.example/hook', format: 'standard', events: '*' }),
  });
  assert.equal(res.status, 201, await res.text());
  const sent = hrhooks(['send', path.join(ROOT, 'examples', 'leave-approved.json'), '--json'], home);
  assert.equal(sent.status, 0, `send finds the gateway and the producer key: ${sent.stderr}`);
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the CLI finds the running instance', () => {
  it('instance.json holds the connection details and no secret', () => {
    const instance = JSON.parse(fs.readFileSync(path.join(dataDir, 'instance.json'), 'utf8'));
    assert.match(instance.gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(instance.DATABASE_URL, /^postgres:\/\//);
    assert.match(instance.TEMPORAL_ADDRESS, /:\d+$/);
    assert.match(instance.TEMPORAL_UI_URL, /^http/);
    const keys = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap-keys.json'), 'utf8'));
    const text = JSON.stringify(instance);
    for (const secret of [keys.admin, keys.producer]) assert.ok(!text.includes(secret));
  });

  it('deliveries list from another cwd with HRHOOKS_DATA_DIR only', () => {
    const run = hrhooks(['deliveries', 'list'], os.tmpdir(), { HRHOOKS_DATA_DIR: dataDir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^ID\s+EVENT\s+SUBSCRIPTION\s+STATUS/);
    assert.match(run.stdout, /leave\.approved\s+instance test/);
    const json = hrhooks(['deliveries', 'list', '--json'], os.tmpdir(), { HRHOOKS_DATA_DIR: dataDir });
    assert.equal(JSON.parse(json.stdout).items.length, 1);
  });

  it('deliveries list from the folder holding data/, no environment', () => {
    const run = hrhooks(['deliveries', 'list', '--json'], home);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).items.length, 1);
  });

  it('an explicit variable overrides instance.json, and the error names it', () => {
    const run = hrhooks(['deliveries', 'list'], home, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /DATABASE_URL/);
  });

  it('a clean stop removes instance.json', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(path.join(dataDir, 'instance.json')), false);
  });
});
