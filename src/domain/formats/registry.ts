// The registry of wire formats: adding a format is one file plus one line in BUILT_IN. Every list of format
// names (the FormatName type, the zod enum, the CLI choices, the OpenAPI enum) derives from it. Pure: no I/O.
import { z } from 'zod';
import { aspnet } from './aspnet';
import { FormatError, type Format } from './format';
import { lucca } from './lucca';
import { standard } from './standard';

const BUILT_IN = { lucca, aspnet, standard } as const satisfies { [Name in string]: Format<Name> };

export type FormatName = keyof typeof BUILT_IN;

const registered: Record<string, Format> = { ...BUILT_IN };

/** The registered names; what `--format` and the API's `format` accept. */
export function formatNames(): [FormatName, ...FormatName[]] {
  return Object.keys(registered) as [FormatName, ...FormatName[]];
}

/**
 * The zod enum of the registered names, built from the registry as it stands when called: the schema
 * modules build theirs once, at load (so a format registered in a test must be registered before them).
 */
export function formatNameSchema() {
  return z.enum(formatNames());
}

export function isFormatName(name: unknown): name is FormatName {
  return typeof name === 'string' && Object.hasOwn(registered, name);
}

export function getFormat(name: string): Format {
  if (!isFormatName(name)) throw new FormatError(`unknown format ${JSON.stringify(name)} (expected ${formatNames().join(', ')})`);
  return registered[name]!;
}

/** Test only: registers one more format, as a fourth format file plus its line in BUILT_IN would. */
export function registerFormatForTest(format: Format): void {
  if (Object.hasOwn(registered, format.name)) throw new FormatError(`format ${format.name} is already registered`);
  registered[format.name] = format;
}
