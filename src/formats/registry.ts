// The registry of wire formats: adding a format is one file plus one line here. Pure: no I/O.
import { aspnet } from './aspnet';
import { FormatError, type Format, type FormatName } from './format';
import { lucca } from './lucca';
import { standard } from './standard';

export const formats: Readonly<Record<FormatName, Format>> = { lucca, aspnet, standard };

export function isFormatName(name: unknown): name is FormatName {
  return typeof name === 'string' && Object.hasOwn(formats, name);
}

export function getFormat(name: string): Format {
  if (!isFormatName(name)) throw new FormatError(`unknown format ${JSON.stringify(name)} (expected lucca, aspnet or standard)`);
  return formats[name];
}
