// The `hrhooks` command line: the commands are declared in program.ts (commander); this runs one and
// returns its exit code: 0 done (help included), 1 failed, 2 usage error. This file owns the process's
// arguments and exit, and hands every command its output through terminalIo (control characters escaped);
// the long-running commands (start, gateway, worker) also own their signals (shutdown.ts).
import fs from 'node:fs';
import { CommanderError } from 'commander';
import type { CliIo } from './context';
import { buildProgram } from './program';
import { terminalIo, terminalSafe } from './terminalText';

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const exit = { code: 0 };
  const io = terminalIo(rawIo);
  const program = buildProgram(io, exit);
  // `help deliveries list` reaches nested commands too (commander's help command stops at one level).
  const args = argv[0] === 'help' && argv.length > 1 ? [...argv.slice(1), '--help'] : argv;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return exit.code;
}

if (require.main === module) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const { inheritedEnv } = require('../../infra/config') as typeof import('../../infra/config');
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (path) => fs.readFileSync(path),
    readStdin: () => fs.readFileSync(0),
    env: inheritedEnv(),
    stdoutIsTerminal: process.stdout.isTTY === true,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(terminalSafe(`hrhooks: ${err.message.split('\n')[0]}\n`));
      process.exitCode = 1;
    },
  );
}
