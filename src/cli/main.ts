// The `hrhooks` command line: dispatches to one module per command and turns failures into one-line
// messages with a non-zero exit code (never a stack trace). Only this file touches process.* directly.
import fs from 'node:fs';
import { ConfigError, inheritedEnv, loadConfig, type Config } from '../config';
import { runDeliveries } from './commands/deliveries';
import { runKeys } from './commands/keys';
import { runGateway, runWorker } from './commands/processes';
import { runSend } from './commands/send';
import { runMarkProcessed, runResync } from './commands/signals';
import { runSubscriptions } from './commands/subscriptions';
import { CliError, createContext, UsageError, type CliContext, type CliIo } from './context';
import { runPreview } from './preview';
import { runVerify } from './verify';

export const USAGE = `usage: hrhooks <command> [options]

  start                          all-in-one: Temporal dev server, Postgres, worker and gateway
  gateway                        run the HTTP gateway (DATABASE_URL, TEMPORAL_ADDRESS)
  worker                         run a delivery worker
  deliveries list|show           search deliveries, inspect one
  resync <id> | --failed         attempt now (signals the delivery's event workflow directly)
  mark-processed <id> --note N   close a delivery as processed
  subscriptions list|create      manage subscriptions
  keys create                    create an API key
  keys rotate-secret-key         re-encrypt stored secrets under HRHOOKS_SECRET_KEY
  send <event.json>              post an event to a running gateway
  preview <event.json>           print the exact HTTP request(s) a format would send
  verify                         check a captured request's signature
`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/** `start` lives in src/cli/start.ts; loaded lazily so the other commands never load its embedded servers. */
const runStartLazily = async (argv: string[], io: CliIo): Promise<number> => {
  if (argv.length > 0) throw new UsageError(`start takes no arguments (configure it with environment variables)`, USAGE);
  const specifier = './start';
  const mod = require(specifier) as { runStart(config: Config, print: (line: string) => void): Promise<number> };
  return mod.runStart(loadConfig(io.env), (line) => io.stdout(`${line}\n`));
};

const COMMANDS: Record<string, Command> = {
  gateway: runGateway,
  worker: runWorker,
  deliveries: runDeliveries,
  resync: runResync,
  'mark-processed': runMarkProcessed,
  subscriptions: runSubscriptions,
  keys: runKeys,
  send: runSend,
};

function message(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  if (e?.code === 'ECONNREFUSED') return `connection refused (${e.message ?? ''}); is Postgres running and DATABASE_URL right?`;
  const text = e?.message || e?.errors?.[0]?.message || String(err);
  return text.split('\n')[0]!;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(USAGE);
    return name ? 0 : 2;
  }
  if (name === 'preview') return runPreview(rest, io);
  if (name === 'verify') return runVerify(rest, io);
  let ctx: CliContext | null = null;
  try {
    if (name === 'start') return await runStartLazily(rest, io);
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`, USAGE);
    ctx = createContext(io);
    return await command(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`hrhooks ${name}: ${err.message}\n${err.usage ?? ''}`);
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`hrhooks ${name}: ${message(err)}\n`);
      return 2;
    }
    io.stderr(`hrhooks ${name}: ${err instanceof ConfigError ? err.message : message(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    await ctx?.close();
  }
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (path) => fs.readFileSync(path),
    readStdin: () => fs.readFileSync(0),
    env: inheritedEnv(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`hrhooks: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
