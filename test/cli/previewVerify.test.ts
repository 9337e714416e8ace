import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPreview } from '../../src/interfaces/cli/preview';
import { runVerify } from '../../src/interfaces/cli/verify';
import { formatHttpRequest, parseHttpRequest, HttpMessageError, MAX_HEAD_BYTES } from '../../src/interfaces/cli/httpMessage';

const luccaVector = JSON.parse(readFileSync(join(__dirname, '../vectors/lucca.json'), 'utf8'));
const aspnetVector = JSON.parse(readFileSync(join(__dirname, '../vectors/aspnet.json'), 'utf8'));
const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function fakeIo(files: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path]!;
    },
    readStdin: () => stdin,
    stdout: (s: string) => void out.push(s),
    stderr: (s: string) => void err.push(s),
    now: () => new Date(1_700_000_000_000),
  };
}

function preview(argv: string[], files: Record<string, string>) {
  const io = fakeIo(files);
  const code = runPreview(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function verify(argv: string[], captured: string) {
  const io = fakeIo({ 'req.http': captured }, captured);
  const code = runVerify(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const files = {
  'leave.json': JSON.stringify(luccaVector.event),
  'bank.json': JSON.stringify(aspnetVector.event),
};

const cases = [
  { format: 'lucca', file: 'leave.json', previewArgs: ['--authorization', 'Basic abc'], verifyArgs: ['--authorization', 'Basic abc'], wrong: ['--authorization', 'Basic xyz'] },
  { format: 'aspnet', file: 'bank.json', previewArgs: ['--secret', aspnetVector.secret], verifyArgs: ['--secret', aspnetVector.secret], wrong: ['--secret', 'other'] },
  { format: 'standard', file: 'bank.json', previewArgs: ['--secret', STANDARD_SECRET], verifyArgs: ['--secret', STANDARD_SECRET], wrong: ['--secret', 'whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA=='] },
];

for (const c of cases) {
  test(`${c.format}: preview output verifies (file, stdin, LF head); a wrong secret does not`, () => {
    const p = preview([c.file, '--format', c.format, ...c.previewArgs, '--timestamp', '1700000000', '--url', 'https://hooks.example.com/in?x=1'], files);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /^POST \/in\?x=1 HTTP\/1\.1\r\nHost: hooks\.example\.com\r\n/);
    assert.deepEqual(verify(['--format', c.format, ...c.verifyArgs, 'req.http'], p.out), { code: 0, out: 'valid\n', err: '' });
    assert.equal(verify(['--format', c.format, ...c.verifyArgs], p.out).code, 0, 'from stdin');
    const [head] = p.out.split('\r\n\r\n');
    const lfHead = `${head!.replaceAll('\r\n', '\n')}\n\n${p.out.slice(head!.length + 4)}`;
    assert.equal(verify(['--format', c.format, ...c.verifyArgs], lfHead).code, 0, 'LF head');
    assert.equal(verify(['--format', c.format, ...c.wrong], p.out).code, 1);
  });
}

test('tampered bodies are invalid with exit 1', () => {
  for (const c of cases.filter((x) => x.format !== 'lucca')) {
    const p = preview([c.file, '--format', c.format, ...c.previewArgs], files);
    const tampered = p.out.replace('Test Message', 'Test Massage');
    const v = verify(['--format', c.format, ...c.verifyArgs], tampered);
    assert.equal(v.code, 1);
    assert.match(v.out, /^invalid: /);
  }
});

test('preview prints canonical header names and the exact aspnet body with CRLF', () => {
  const p = preview(['bank.json', '--format', 'aspnet', '--secret', aspnetVector.secret, '--delivery-id', 'dlv_x', '--attempt', '2'], files);
  assert.equal(p.code, 0);
  assert.match(p.out, /\r\nMS-Signature: sha256=[0-9a-f]{64}\r\nContent-Type: application\/json\r\nContent-Length: \d+\r\n\r\n\{\r\n  "Id"/);
  const body = JSON.parse(parseHttpRequest(p.out).body.toString());
  assert.equal(body.Attempt, 2);
  const l = preview(['leave.json', '--format', 'lucca', '--authorization', 'Basic abc'], files);
  assert.match(l.out, /\r\nAuthorization: Basic abc\r\nX-Version: 1\r\nX-Resource-Type: leave\r\nX-Event: approved\r\nContent-Type: application\/json\r\n/);
  const s = preview(['bank.json', '--format', 'standard', '--secret', STANDARD_SECRET, '--timestamp', '1614265330'], files);
  assert.match(s.out, /\r\nwebhook-id: msg_\S+\r\nwebhook-timestamp: 1614265330\r\nwebhook-signature: v1,\S+\r\n/);
});

test('preview generates a secret when absent and says so on stderr', () => {
  const p = preview(['bank.json', '--format', 'standard'], files);
  assert.equal(p.code, 0);
  const secret = /generated (whsec_\S+)/.exec(p.err)?.[1];
  assert.ok(secret);
  assert.equal(verify(['--format', 'standard', '--secret', secret], p.out).code, 0);
  assert.match(preview(['bank.json', '--format', 'aspnet'], files).err, /generated [A-Za-z0-9]{32}\n/);
});

test('lucca prints nothing, notes it, and exits 0 when the mode does not send the event', () => {
  const created = { ...luccaVector.event, type: 'leave.created', data: { ...luccaVector.event.data, isConfirmed: false } };
  const p = preview(['created.json', '--format', 'lucca', '--mode', 'approved'], { 'created.json': JSON.stringify(created) });
  assert.deepEqual([p.code, p.out], [0, '']);
  assert.match(p.err, /does not send leave\.created .*approved/);
  assert.equal(preview(['created.json', '--format', 'lucca', '--mode', 'all'], { 'created.json': JSON.stringify(created) }).code, 0);
});

test('invalid events and usage errors exit 2 with the reason on stderr', () => {
  const badEvent = { ...luccaVector.event, data: { ...luccaVector.event.data, start: { date: '2018-04-23', half: 'XM' } } };
  const bad = preview(['bad.json', '--format', 'lucca'], { 'bad.json': JSON.stringify(badEvent) });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /data\.start\.half/);
  assert.equal(preview(['garbage.json', '--format', 'lucca'], { 'garbage.json': '{not json' }).code, 2);
  assert.equal(preview(['missing.json', '--format', 'lucca'], {}).code, 2);
  assert.equal(preview(['bank.json', '--format', 'soap'], files).code, 2);
  assert.equal(preview(['bank.json', '--format', 'aspnet', '--attempt', '0'], files).code, 2);
  assert.equal(preview(['bank.json', '--format', 'aspnet', '--bogus'], files).code, 2);
  assert.equal(preview(['bank.json', '--format', 'standard', '--secret', 'nope'], files).code, 2);
});

test('verify: garbage input and usage errors exit 2', () => {
  assert.equal(verify(['--format', 'aspnet', '--secret', 's'], 'garbage').code, 2);
  assert.equal(verify(['--format', 'aspnet', '--secret', 's'], '').code, 2);
  assert.equal(verify(['--format', 'aspnet'], 'POST / HTTP/1.1\n\n{}').code, 2);
  assert.equal(verify(['--format', 'lucca'], 'POST / HTTP/1.1\n\n[]').code, 2);
  assert.equal(verify(['--format', 'nope', '--secret', 's'], 'POST / HTTP/1.1\n\n{}').code, 2);
  assert.equal(verify(['--format', 'standard', '--secret', 'not-whsec'], 'POST / HTTP/1.1\nwebhook-id: a\nwebhook-timestamp: 1\nwebhook-signature: v1,x\n\n{}').code, 2);
  const missing = verify(['--format', 'standard', '--secret', STANDARD_SECRET], 'POST / HTTP/1.1\nContent-Type: application/json\n\n{}');
  assert.deepEqual([missing.code, missing.out], [1, 'invalid: missing webhook-id header\n']);
});

test('verify --tolerance rejects old timestamps; no tolerance by default', () => {
  const p = preview(['bank.json', '--format', 'standard', '--secret', STANDARD_SECRET, '--timestamp', '1600000000'], files);
  assert.equal(verify(['--format', 'standard', '--secret', STANDARD_SECRET], p.out).code, 0);
  const v = verify(['--format', 'standard', '--secret', STANDARD_SECRET, '--tolerance', '300'], p.out);
  assert.equal(v.code, 1);
  assert.match(v.out, /tolerance 300s/);
});

test('verify accepts any of several secrets and signatures', () => {
  const other = 'whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==';
  const p = preview(['bank.json', '--format', 'standard', '--secret', other, '--secret', STANDARD_SECRET], files);
  assert.match(p.out, /webhook-signature: v1,\S+ v1,\S+\r\n/);
  assert.equal(verify(['--format', 'standard', '--secret', STANDARD_SECRET], p.out).code, 0);
  assert.equal(verify(['--format', 'standard', '--secret', other], p.out).code, 0);
});

test('httpMessage: round trip, exact body bytes, bounded head, typed errors', () => {
  const body = Buffer.from('{\r\n  "a": "x\\ny"\r\n}\r\n\r\n', 'utf8');
  const text = formatHttpRequest('http://h:8080/p', { headers: { 'x-a': '1' }, body });
  const parsed = parseHttpRequest(text);
  assert.equal(parsed.method, 'POST');
  assert.equal(parsed.target, '/p');
  assert.deepEqual(parsed.headers, { host: 'h:8080', 'x-a': '1', 'content-length': String(body.length) });
  assert.deepEqual(parsed.body, body);
  assert.deepEqual(parseHttpRequest('POST / HTTP/1.1\nA: b\n\nline1\r\nline2').body, Buffer.from('line1\r\nline2'));
  assert.throws(() => parseHttpRequest(`POST / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`), /64 KiB/);
  assert.throws(() => parseHttpRequest('POST / HTTP/1.1\r\nX: 1\r\n'), HttpMessageError);
  assert.throws(() => parseHttpRequest('hello world\n\n'), /malformed request line/);
  assert.throws(() => parseHttpRequest('POST / HTTP/1.1\nbad header\n\n'), /malformed header/);
  assert.throws(() => parseHttpRequest('POST / HTTP/1.1\nContent-Length: 10\n\nshort'), /Content-Length/);
  assert.throws(() => parseHttpRequest('POST / HTTP/1.1\nContent-Length: 2\n\n{}POST / HTTP/1.1'), /after the body/);
  assert.equal(Object.getPrototypeOf(parseHttpRequest('POST / HTTP/1.1\n__proto__: x\n\n').headers), Object.prototype);
});

const main = join(__dirname, '../../src/interfaces/cli/main.ts');
test('as a real child process through src/interfaces/cli/main.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hrhooks-preview-'));
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, files['bank.json']);
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { input, encoding: 'utf8', cwd: join(__dirname, '../..') });
  const printed = run(['preview', eventFile, '--format', 'aspnet', '--secret', aspnetVector.secret]);
  assert.equal(printed.status, 0, printed.stderr);
  const captured = join(dir, 'req.http');
  writeFileSync(captured, printed.stdout);
  const byFile = run(['verify', '--format', 'aspnet', '--secret', aspnetVector.secret, captured]);
  assert.deepEqual([byFile.status, byFile.stdout], [0, 'valid\n']);
  const byStdin = run(['verify', '--format', 'aspnet', '--secret', 'wrong'], printed.stdout);
  assert.equal(byStdin.status, 1);
});
