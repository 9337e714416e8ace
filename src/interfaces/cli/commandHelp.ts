// How a command explains itself in `--help`: the environment it reads and an example, appended to
// commander's own usage. Shared by every command definition.
import type { Command } from 'commander';

export type EnvEntry = readonly [string, string];

export function explain(cmd: Command, env: readonly EnvEntry[], examples: string[]): Command {
  const width = Math.max(0, ...env.map(([name]) => name.length));
  const envText = env.length ? `\nEnvironment:\n${env.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`).join('\n')}\n` : '';
  return cmd.addHelpText('after', `${envText}\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];
