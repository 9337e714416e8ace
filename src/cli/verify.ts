// `hrhooks verify`: checks a captured request (as `hrhooks preview` prints it) against a secret.
// I/O only through the injected io; prints "valid" or "invalid: <why>"; exit 0 valid, 1 invalid, 2 usage.
import { parseArgs } from 'node:util';
import { timingSafeEqual } from 'node:crypto';
import { isFormatName } from '../formats/registry';
import type { FormatName } from '../formats/format';
import { verifyMs, verifyStandard } from '../signing/signature';
import { parseHttpRequest, type ParsedHttpRequest } from './httpMessage';

export interface VerifyIo {
  readFile(path: string): string | Buffer;
  readStdin(): string | Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
  now?(): Date;
}

export const VERIFY_USAGE =
  'usage: hrhooks verify --format lucca|aspnet|standard --secret S [--secret S2] [--tolerance SECONDS] [FILE]\n' +
  '       hrhooks verify --format lucca --authorization A [FILE]\n' +
  '(reads the request from stdin when FILE is absent)\n';

class UsageError extends Error {}

interface VerifyOptions {
  format: FormatName;
  secrets: string[];
  authorization?: string;
  toleranceSeconds?: number;
  file?: string;
}

function options(argv: string[]): VerifyOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      secret: { type: 'string', multiple: true },
      authorization: { type: 'string' },
      tolerance: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError('expected at most one file');
  if (!isFormatName(values.format)) throw new UsageError('--format must be lucca, aspnet or standard');
  const secrets = values.secret ?? [];
  const authorization = values.authorization ?? (values.format === 'lucca' ? secrets[0] : undefined);
  if (values.format === 'lucca' ? authorization === undefined : secrets.length === 0) {
    throw new UsageError(values.format === 'lucca' ? '--authorization is required' : '--secret is required');
  }
  if (values.tolerance !== undefined && !/^\d{1,9}$/.test(values.tolerance)) {
    throw new UsageError('--tolerance must be whole seconds');
  }
  return {
    format: values.format,
    secrets,
    ...(authorization === undefined ? {} : { authorization }),
    ...(values.tolerance === undefined ? {} : { toleranceSeconds: Number(values.tolerance) }),
    ...(positionals[0] === undefined ? {} : { file: positionals[0] }),
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkLucca(req: ParsedHttpRequest, opts: VerifyOptions): string | null {
  const auth = req.headers['authorization'];
  if (auth === undefined) return 'missing Authorization header';
  if (!sameText(auth, opts.authorization ?? '')) return 'Authorization does not match';
  if (req.headers['x-resource-type'] !== 'leave') return 'X-Resource-Type is not leave';
  if (!['created', 'approved', 'deleted'].includes(req.headers['x-event'] ?? '')) return 'X-Event is not created, approved or deleted';
  try {
    if (!Array.isArray(JSON.parse(req.body.toString('utf8')))) return 'body is not a JSON array of leaves';
  } catch {
    return 'body is not JSON';
  }
  return null;
}

function checkAspnet(req: ParsedHttpRequest, opts: VerifyOptions): string | null {
  const signature = req.headers['ms-signature'];
  if (signature === undefined) return 'missing MS-Signature header';
  if (!opts.secrets.some((secret) => verifyMs(secret, req.body, signature))) return 'MS-Signature does not match the body';
  return null;
}

function checkStandard(req: ParsedHttpRequest, opts: VerifyOptions, now: Date): string | null {
  const msgId = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signatureHeader = req.headers['webhook-signature'];
  if (!msgId) return 'missing webhook-id header';
  if (!timestamp) return 'missing webhook-timestamp header';
  if (!signatureHeader) return 'missing webhook-signature header';
  if (!/^\d{1,12}$/.test(timestamp)) return 'webhook-timestamp is not whole seconds';
  if (opts.toleranceSeconds !== undefined) {
    const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
    if (skew > opts.toleranceSeconds) return `webhook-timestamp is ${Math.round(skew)}s away from now (tolerance ${opts.toleranceSeconds}s)`;
  }
  const matches = opts.secrets.some((secret) => verifyStandard({ secret, msgId, timestamp, signatureHeader, body: req.body }));
  return matches ? null : 'no webhook-signature matches the body';
}

export function runVerify(argv: string[], io: VerifyIo): number {
  let opts: VerifyOptions;
  let req: ParsedHttpRequest;
  let problem: string | null;
  try {
    opts = options(argv);
    req = parseHttpRequest(opts.file === undefined ? io.readStdin() : io.readFile(opts.file));
    if (req.method !== 'POST') problem = `method is ${req.method}, expected POST`;
    else if (opts.format === 'lucca') problem = checkLucca(req, opts);
    else if (opts.format === 'aspnet') problem = checkAspnet(req, opts);
    else problem = checkStandard(req, opts, io.now?.() ?? new Date());
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr(`error: ${(err as Error).message}\n${usage ? VERIFY_USAGE : ''}`);
    return 2;
  }
  io.stdout(problem === null ? 'valid\n' : `invalid: ${problem}\n`);
  return problem === null ? 0 : 1;
}
