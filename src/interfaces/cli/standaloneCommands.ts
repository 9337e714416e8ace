// The commands that also run in-process without a context (preview, verify: tests and fuzzing call
// them directly): their definitions and a parser that returns their options or an exit code.
import { Command, CommanderError } from 'commander';
import { collect, explain } from './commandHelp';
import type { CliIo } from './context';

export function previewCommand(): Command {
  const cmd = new Command('preview')
    .description('print the exact HTTP request(s) a format would send for an event file (nothing is sent)')
    .argument('<event.json>', 'one event, or a JSON array of events (see examples/)')
    .requiredOption('--format <name>', 'wire format (`hrhooks preview --help` lists them)')
    .option('--secret <secret>', 'signing secret; repeat for several (generated when absent)', collect)
    .option('--authorization <value>', 'lucca: the Authorization header value')
    .option('--delivery-id <id>', 'delivery id the message ids derive from')
    .option('--message-id <id>', 'the message id itself: aspnet work-item Id / standard webhook-id')
    .option('--attempt <n>', 'attempt number', '1')
    .option('--mode <mode>', 'lucca: all or approved')
    .option('--url <url>', 'receiver URL', 'https://receiver.example/webhook')
    .option('--timestamp <seconds>', 'send time, seconds since the epoch (default: now)')
    .option('--json', 'print the requests as JSON');
  cmd.addHelpText('after', () => {
    const { formatNames } = require('../../domain/formats/registry') as typeof import('../../domain/formats/registry');
    return `\nFormats: ${formatNames().join(', ')}\n`;
  });
  return explain(cmd, [], [
    'hrhooks preview examples/leave-approved.json --format standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --timestamp 1700000000',
    'hrhooks preview examples/aspnet-seed-event.json --format aspnet --secret OLgCtvLZU4h9GYzZgamuYGdn4e7Zk651 --message-id f62319a8e9594b1da89ee456525711ea',
  ]);
}

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description("check a captured request's signature (as `hrhooks preview` prints it); exit 0 valid, 1 invalid")
    .argument('[request.txt]', 'the captured HTTP request (default: stdin)')
    .requiredOption('--format <name>', 'wire format')
    .option('--secret <secret>', 'signing secret; repeat to accept several', collect)
    .option('--authorization <value>', 'lucca: the expected Authorization header')
    .option('--tolerance <seconds>', 'standard: largest accepted webhook-timestamp skew')
    .option('--json', 'print { valid, problem } as JSON');
  return explain(cmd, [], ['hrhooks preview ev.json --format aspnet --secret S | hrhooks verify --format aspnet --secret S']);
}

/** Parses argv against one standalone command (preview, verify) in-process: its options, or the exit code to return. */
export function parseStandalone(cmd: Command, argv: string[], io: Pick<CliIo, 'stdout' | 'stderr'>): { args: string[]; opts: Record<string, unknown> } | number {
  let parsed: { args: string[]; opts: Record<string, unknown> } | null = null;
  cmd
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`hrhooks ${cmd.name()}: ${text}`) })
    .action((...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      parsed = { args: self.args, opts: self.opts() };
    });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return parsed ?? 2;
}

