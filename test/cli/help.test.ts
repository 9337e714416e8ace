// Every command explains itself: `--help` and `help <command>` through the compiled CLI (bin/hrhooks)
// print usage, options, environment and an example and exit 0, without starting anything; and
// `preview --message-id` reproduces the seed's aspnet example byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { DELIVERY_STATUSES } from '../../workflows/definitions';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'hrhooks');
const aspnetVector = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'vectors', 'aspnet.json'), 'utf8'));

const COMMANDS = [
  ['start'], ['gateway'], ['worker'], ['deliveries'], ['deliveries', 'list'], ['deliveries', 'show'], ['resync'], ['mark-processed'],
  ['subscriptions'], ['subscriptions', 'list'], ['subscriptions', 'create'], ['subscriptions', 'resume'], ['keys'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['keys', 'rotate-secret-key'],
  ['tenants'], ['tenants', 'create'], ['tenants', 'list'], ['tenants', 'show'], ['tenants', 'update'], ['tenants', 'disable'], ['tenants', 'enable'], ['tenants', 'delete'],
  ['send'], ['portal-link'], ['audit'], ['data'], ['data', 'encrypt-existing'], ['preview'], ['verify'],
];

function hrhooks(args: string[], options: { timeout?: number; input?: string } = {}) {
  const env = { PATH: process.env.PATH, HOME: os.tmpdir(), HRHOOKS_DATA_DIR: path.join(os.tmpdir(), 'hrhooks-help-no-instance') };
  const started = Date.now();
  const run = spawnSync(BIN, args, { encoding: 'utf8', env, cwd: os.tmpdir(), timeout: options.timeout ?? 20_000, input: options.input });
  return { ...run, ms: Date.now() - started };
}

before(() => {
  const built = spawnSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `build failed: ${built.stderr}`);
});

describe('hrhooks --help', () => {
  test('every command: --help and help <command> print usage, options, environment or example; exit 0', () => {
    for (const command of COMMANDS) {
      for (const args of [[...command, '--help'], ['help', ...command]]) {
        const run = hrhooks(args);
        assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stdout, new RegExp(`^Usage: hrhooks ${command.join(' ')} `), args.join(' '));
        assert.match(run.stdout, /Options:/, args.join(' '));
        assert.match(run.stdout, /Examples?:\n {2}\$ (npm start|.*hrhooks )/, args.join(' '));
        if (!['preview', 'verify'].includes(command[0]!)) assert.match(run.stdout, /Environment:\n/, args.join(' '));
      }
    }
  });

  test('the top-level help lists every command; no command is a usage error (exit 2)', () => {
    const run = hrhooks(['--help']);
    assert.equal(run.status, 0);
    for (const [name] of COMMANDS) assert.match(run.stdout, new RegExp(`\\n  ${name}\\b`));
    const bare = hrhooks([]);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /Usage: hrhooks/);
  });

  test('gateway, worker and start --help exit at once without starting a service', () => {
    for (const name of ['gateway', 'worker', 'start']) {
      const run = hrhooks([name, '--help'], { timeout: 5_000 });
      assert.equal(run.status, 0, `${name}: ${run.stderr}`);
      assert.doesNotMatch(run.stdout, /listening|polling|is running/);
      assert.ok(run.ms < 5_000, `${name} --help took ${run.ms} ms`);
    }
  });

  test('deliveries list --help offers exactly the statuses a delivery can have (DELIVERY_STATUSES)', () => {
    const run = hrhooks(['deliveries', 'list', '--help']);
    assert.equal(run.status, 0, run.stderr);
    const offered = /--status <status>\s+only this status \(([^)]*)\)/.exec(run.stdout)?.[1]?.split(/,\s+/);
    assert.deepEqual(offered, [...DELIVERY_STATUSES], run.stdout);
  });

  test('usage errors are one line and exit 2', () => {
    const unknown = hrhooks(['deliveries', 'list', '--bogus']);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
    const noNote = hrhooks(['mark-processed', 'dlv_x_y']);
    assert.equal(noNote.status, 2);
    assert.match(noNote.stderr, /^hrhooks mark-processed: --note is required/);
  });

  test('without an instance, a command names the variable and the value to use', () => {
    const run = hrhooks(['deliveries', 'list']);
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /DATABASE_URL is not set .*instance\.json.*HRHOOKS_DATA_DIR.*DATABASE_URL=postgres:\/\//);
  });
});

describe('hrhooks preview --message-id', () => {
  test("reproduces the seed's aspnet example byte for byte", () => {
    const run = hrhooks(['preview', path.join(ROOT, 'examples', 'aspnet-seed-event.json'), '--format', 'aspnet',
      '--secret', aspnetVector.secret, '--message-id', aspnetVector.workItemId]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.includes(`MS-Signature: ${aspnetVector.signature}\r\n`), run.stdout);
    assert.ok(run.stdout.endsWith(`\r\n\r\n${aspnetVector.body}\n`), 'the body is the seed body');
    const verified = hrhooks(['verify', '--format', 'aspnet', '--secret', aspnetVector.secret], { input: run.stdout });
    assert.equal(verified.stdout, 'valid\n');
  });

  test('sets the standard webhook-id; --json prints the requests', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const run = hrhooks(['preview', path.join(ROOT, 'examples', 'leave-approved.json'), '--format', 'standard', '--secret', secret,
      '--message-id', 'msg_example', '--timestamp', '1700000000', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const [request] = JSON.parse(run.stdout);
    assert.equal(request.headers['webhook-id'], 'msg_example');
    const text = hrhooks(['preview', path.join(ROOT, 'examples', 'leave-approved.json'), '--format', 'standard', '--secret', secret,
      '--message-id', 'msg_example', '--timestamp', '1700000000']);
    const verified = hrhooks(['verify', '--format', 'standard', '--secret', secret, '--json'], { input: text.stdout });
    assert.deepEqual(JSON.parse(verified.stdout), { valid: true, problem: null });
  });
});
