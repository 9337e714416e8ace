// `hrhooks keys create`: makes an API key; the clear key is printed once and only its hash is stored.
import { parseArgs } from 'node:util';
import { createApiKey } from '../../db/apiKeys';
import { printJson, UsageError, type CliContext } from '../context';

export const KEYS_USAGE = 'usage: hrhooks keys create --scope producer|admin --name NAME [--json]\n';

export async function runKeys(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new UsageError(sub ? `unknown keys command "${sub}"` : 'expected create', KEYS_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { scope: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (values.scope !== 'producer' && values.scope !== 'admin') throw new UsageError('--scope must be producer or admin', KEYS_USAGE);
  if (!values.name?.trim()) throw new UsageError('--name is required', KEYS_USAGE);
  const key = await createApiKey(ctx.pool(), values.scope, values.name.trim());
  if (values.json) printJson(ctx.io, key);
  else ctx.io.stdout(`${key.scope} key "${key.name}" (${key.id}):\n${key.key}\n(shown once: store it now)\n`);
  return 0;
}
