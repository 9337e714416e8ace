// `hrhooks verify`: checks a captured request (as `hrhooks preview` prints it) against a secret.
// I/O only through the injected io; prints "valid" or "invalid: <why>"; exit 0 valid, 1 invalid, 2 usage.
import type { Format } from '../../domain/formats/format';
import { formatNames, getFormat, isFormatName } from '../../domain/formats/registry';
import { UsageError } from './errors';
import { parseHttpRequest, type ParsedHttpRequest } from './httpMessage';
import { parseStandalone, verifyCommand } from './standaloneCommands';

export interface VerifyIo {
  readFile(path: string): string | Buffer;
  readStdin(): string | Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
  now?(): Date;
}

function namesBy(kind: Format['credential']['kind']): string {
  return formatNames().filter((name) => getFormat(name).credential.kind === kind).join('|');
}

export interface VerifyFlags {
  format?: string; secret?: string[]; authorization?: string; tolerance?: string; json?: boolean;
}

interface VerifyOptions {
  format: Format;
  secrets: string[];
  authorization?: string;
  toleranceSeconds?: number;
  file?: string;
}

function options(positionals: string[], values: VerifyFlags): VerifyOptions {
  if (positionals.length > 1) throw new UsageError('expected at most one file');
  if (!isFormatName(values.format)) throw new UsageError(`--format must be one of ${formatNames().join(', ')}`);
  const format = getFormat(values.format);
  const byAuthorization = format.credential.kind === 'authorization';
  const secrets = values.secret ?? [];
  const authorization = values.authorization ?? (byAuthorization ? secrets[0] : undefined);
  if (byAuthorization ? authorization === undefined : secrets.length === 0) {
    throw new UsageError(byAuthorization ? '--authorization is required' : '--secret is required');
  }
  if (values.tolerance !== undefined && !/^\d{1,9}$/.test(values.tolerance)) {
    throw new UsageError('--tolerance must be whole seconds');
  }
  return {
    format,
    secrets,
    ...(authorization === undefined ? {} : { authorization }),
    ...(values.tolerance === undefined ? {} : { toleranceSeconds: Number(values.tolerance) }),
    ...(positionals[0] === undefined ? {} : { file: positionals[0] }),
  };
}

/** `hrhooks verify`, parsed in-process (tests, fuzzing): the same options as the CLI. */
export function runVerify(argv: string[], io: VerifyIo): number {
  const parsed = parseStandalone(verifyCommand(), argv, io);
  return typeof parsed === 'number' ? parsed : verify(parsed.args, parsed.opts, io);
}

export function verify(args: string[], flags: VerifyFlags, io: VerifyIo): number {
  let opts: VerifyOptions;
  let req: ParsedHttpRequest;
  let problem: string | null;
  try {
    opts = options(args, flags);
    req = parseHttpRequest(opts.file === undefined ? io.readStdin() : io.readFile(opts.file));
    if (req.method !== 'POST') problem = `method is ${req.method}, expected POST`;
    else problem = opts.format.verify(req, { ...opts, now: io.now?.() ?? new Date() });
  } catch (err) {
    const usage = err instanceof UsageError ? ' (see hrhooks verify --help)' : '';
    io.stderr(`hrhooks verify: ${(err as Error).message.split('\n')[0]}${usage}\n`);
    return 2;
  }
  if (flags.json) io.stdout(`${JSON.stringify({ valid: problem === null, problem })}\n`);
  else io.stdout(problem === null ? 'valid\n' : `invalid: ${problem}\n`);
  return problem === null ? 0 : 1;
}
