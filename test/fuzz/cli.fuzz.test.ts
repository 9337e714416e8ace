// Fuzzes the CLI's `preview` and `verify` parsers in-process (injected io, no files): random argv,
// hostile event files and mangled captured requests always end in exit code 0, 1 or 2, never a throw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { runPreview } from '../../src/interfaces/cli/preview';
import { runVerify } from '../../src/interfaces/cli/verify';
import { EVENT_TYPES } from '../../src/domain/events/eventTypes';
import { sampleAbsence } from '../support/fixtures';
import { hostile, hostileDate, nested } from './arbitraries';

const RUNS = 400;
const BUDGET_MS = 30_000;
const SECRETS = { aspnet: 'OLgCtvLZU4h9GYzZgamuYGdn4e7Zk651', standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', lucca: 'Basic dG9rZW4=' };

function io(file: string | Buffer) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    readFile: () => file,
    readStdin: () => file,
    stdout: (s: string) => void out.push(s),
    stderr: (s: string) => void err.push(s),
    now: () => new Date(1_700_000_000_000),
  };
}

function run(command: 'preview' | 'verify', argv: string[], file: string | Buffer): { code: number; out: string; err: string } {
  const fake = io(file);
  let code: number;
  try {
    code = command === 'preview' ? runPreview(argv, fake) : runVerify(argv, fake);
  } catch (err) {
    assert.fail(`${command} ${JSON.stringify(argv).slice(0, 200)} threw ${(err as Error).stack}`);
  }
  assert.ok([0, 1, 2].includes(code), `${command} exited ${code}`);
  if (code === 2) assert.ok(fake.err.join('').length > 0, 'a usage or input error says why');
  return { code, out: fake.out.join(''), err: fake.err.join('') };
}

const optionValue = fc.oneof(
  fc.constantFrom('lucca', 'aspnet', 'standard', 'all', 'approved', '1', '0', '-1', '999999999', '', '--', 'http://[::1', 'ftp://x'),
  fc.constantFrom(SECRETS.aspnet, SECRETS.standard, 'whsec_', 'whsec_!!!', 'x'.repeat(10_000)),
  fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }),
);
const argvArb = fc.array(
  fc.oneof(
    fc.tuple(fc.constantFrom('--format', '--secret', '--authorization', '--delivery-id', '--attempt', '--mode', '--url', '--timestamp', '--tolerance', '--bogus', '-x'), optionValue),
    fc.tuple(fc.constantFrom('event.json', 'req.http', '-', '--', '--secret=', '--format=aspnet')),
  ),
  { maxLength: 8 },
).map((pairs) => pairs.flat());

const eventFile = fc.oneof(
  fc.record({
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), hostile),
    type: fc.oneof(fc.constantFrom(...EVENT_TYPES), hostile),
    occurredAt: fc.oneof(fc.constant('2018-04-04T22:34:47Z'), hostileDate),
    data: fc.oneof(
      fc.record({ start: hostileDate, end: hostileDate, half: fc.constantFrom('AM', 'PM', 'XX') }).map((d) =>
        sampleAbsence({ start: { date: d.start, half: d.half }, end: { date: d.end, half: 'PM' } })),
      fc.jsonValue({ maxDepth: 4 }), hostile,
    ),
  }, { requiredKeys: [] }).map((e) => JSON.stringify(e)),
  fc.array(fc.constant({ id: 'e', type: 'leave.approved', occurredAt: '2018-04-04T22:34:47Z', data: sampleAbsence() }), { maxLength: 5 }).map((a) => JSON.stringify(a)),
  fc.json(), fc.string({ unit: 'binary' }),
  fc.constantFrom(nested(10_000, 'object'), nested(100_000, 'array'), '{"__proto__":{"polluted":1}}', '', '\u0000'),
  fc.constant(`{"id":"deep","type":"employee.updated","occurredAt":"2020-01-01T00:00:00Z","data":${nested(20_000, 'array')}}`),
);

describe('fuzz hrhooks preview', () => {
  test('random argv and hostile event files: exit 0/1/2, never a throw', { timeout: BUDGET_MS * 2 }, () => {
    fc.assert(fc.property(argvArb, eventFile, (argv, file) => void run('preview', argv, file)), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });

  test('every format with a valid argv and a hostile file: exit 0 or 2', { timeout: BUDGET_MS * 2 }, () => {
    fc.assert(fc.property(fc.constantFrom('lucca', 'aspnet', 'standard') as fc.Arbitrary<keyof typeof SECRETS>, eventFile, (format, file) => {
      const flag = format === 'lucca' ? '--authorization' : '--secret';
      const { code } = run('preview', ['event.json', '--format', format, flag, SECRETS[format], '--timestamp', '1700000000'], file);
      assert.ok(code === 0 || code === 2);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

/** A genuine request as preview prints it, for verify to check and for mutations to mangle. */
function captured(format: keyof typeof SECRETS): string {
  const event = JSON.stringify({ id: 'e1', type: 'leave.approved', occurredAt: '2018-04-04T22:34:47Z', data: sampleAbsence() });
  const flag = format === 'lucca' ? '--authorization' : '--secret';
  const { code, out } = run('preview', ['event.json', '--format', format, flag, SECRETS[format], '--timestamp', '1700000000'], event);
  assert.equal(code, 0);
  return out;
}

const verifyArgs = (format: keyof typeof SECRETS) =>
  ['--format', format, format === 'lucca' ? '--authorization' : '--secret', SECRETS[format]];

describe('fuzz hrhooks verify', () => {
  test('genuine requests verify; any single mutation never throws', { timeout: BUDGET_MS * 2 }, () => {
    for (const format of ['lucca', 'aspnet', 'standard'] as const) assert.equal(run('verify', verifyArgs(format), captured(format)).code, 0, format);
    const mutation = fc.record({
      format: fc.constantFrom('lucca', 'aspnet', 'standard') as fc.Arbitrary<keyof typeof SECRETS>,
      at: fc.nat(),
      cut: fc.nat({ max: 50 }),
      insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\r\n', '\n\n', '\r\n\r\n', ': ', '\u0000', 'x'.repeat(70_000), 'webhook-signature: v1,AAAA\r\n')),
    });
    fc.assert(fc.property(mutation, (m) => {
      const text = captured(m.format);
      const at = m.at % (text.length + 1);
      const mangled = text.slice(0, at) + m.insert + text.slice(at + m.cut);
      const { code } = run('verify', verifyArgs(m.format), mangled);
      if (mangled === text) assert.equal(code, 0);
    }), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });

  test('random argv and random captured text: exit 0/1/2, never a throw', { timeout: BUDGET_MS * 2 }, () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string().map((s) => `POST / HTTP/1.1\r\n${s}\r\n\r\n${s}`),
      fc.constantFrom('', '\r\n\r\n', 'POST', `POST / HTTP/1.1\r\n${'a: b\r\n'.repeat(20_000)}\r\n`, `GET / HTTP/1.1\r\n\r\n`));
    fc.assert(fc.property(argvArb, text, (argv, file) => void run('verify', argv, file)), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS });
  });
});
