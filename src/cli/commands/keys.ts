// `hrhooks keys create`: makes an API key; the clear key is printed once and only its hash is stored.
// `hrhooks keys rotate-secret-key`: re-seals every stored secret under HRHOOKS_SECRET_KEY (see rotateSecretKey.ts).
import { rotateSecretKey } from '../../crypto/rotateSecretKey';
import { createApiKey } from '../../db/apiKeys';
import { printJson, UsageError, type CliContext } from '../context';

export async function createCommand(values: { scope?: string; name?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  if (values.scope !== 'producer' && values.scope !== 'admin') throw new UsageError('--scope must be producer or admin');
  if (!values.name?.trim()) throw new UsageError('--name is required');
  const key = await createApiKey(ctx.pool(), values.scope, values.name.trim());
  if (values.json) printJson(ctx.io, key);
  else ctx.io.stdout(`${key.scope} key "${key.name}" (${key.id}):\n${key.key}\n(shown once: store it now)\n`);
  return 0;
}

export async function rotateCommand(values: { json?: boolean }, ctx: CliContext): Promise<number> {
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
