// `hrhooks keys create`: makes an API key; the clear key is printed once and only its hash is stored.
// `hrhooks keys rotate-secret-key`: re-seals every stored secret under HRHOOKS_SECRET_KEY (see rotateSecretKey.ts).
import { parseArgs } from 'node:util';
import { rotateSecretKey } from '../../crypto/rotateSecretKey';
import { createApiKey } from '../../db/apiKeys';
import { printJson, UsageError, type CliContext } from '../context';

export const KEYS_USAGE =
  'usage: hrhooks keys create --scope producer|admin --name NAME [--json]\n' +
  '       hrhooks keys rotate-secret-key [--json]   (HRHOOKS_SECRET_KEY = new key, HRHOOKS_SECRET_KEY_PREVIOUS = old key)\n';

export async function runKeys(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest, ctx);
  if (sub === 'rotate-secret-key') return rotate(rest, ctx);
  throw new UsageError(sub ? `unknown keys command "${sub}"` : 'expected create or rotate-secret-key', KEYS_USAGE);
}

async function create(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { scope: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (values.scope !== 'producer' && values.scope !== 'admin') throw new UsageError('--scope must be producer or admin', KEYS_USAGE);
  if (!values.name?.trim()) throw new UsageError('--name is required', KEYS_USAGE);
  const key = await createApiKey(ctx.pool(), values.scope, values.name.trim());
  if (values.json) printJson(ctx.io, key);
  else ctx.io.stdout(`${key.scope} key "${key.name}" (${key.id}):\n${key.key}\n(shown once: store it now)\n`);
  return 0;
}

async function rotate(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const result = await rotateSecretKey(ctx.pool(), await ctx.box());
  if (values.json) printJson(ctx.io, result);
  else {
    ctx.io.stdout(
      `re-encrypted ${result.values} secret(s) of ${result.subscriptions} subscription(s) under key id ${result.keyId}` +
        `${result.retiredKeyId ? `; key id ${result.retiredKeyId} is retired and will be refused at start` : ''}\n` +
        `next: unset HRHOOKS_SECRET_KEY_PREVIOUS and restart every process with this HRHOOKS_SECRET_KEY\n`,
    );
  }
  return 0;
}
