// `hrhooks keys create`: makes an API key; the clear key is printed once and only its hash is stored.
// `hrhooks keys list|revoke`: API keys by id, prefix and fingerprint (never a key); a revoked key stays revoked.
// `hrhooks keys rotate-secret-key`: re-seals every stored secret under HRHOOKS_SECRET_KEY (see rotateSecretKey.ts).
import { rotateSecretKey } from '../../../app/secrets/rotateSecretKey';
import { createKey, listKeys, revokeKey, type ApiKeyView } from '../../../app/keys/apiKeys';
import { DEFAULT_TENANT } from '../../../domain/tenants/tenantId';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';

export async function createCommand(values: { scope?: string; name?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  if (values.scope !== 'producer' && values.scope !== 'admin') throw new UsageError('--scope must be producer or admin');
  if (!values.name?.trim()) throw new UsageError('--name is required');
  const key = await createKey(await ctx.migratedPool(), values.scope, values.name, DEFAULT_TENANT);
  if (values.json) printJson(ctx.io, key);
  else ctx.io.stdout(`${key.scope} key "${key.name}" (${key.id}):\n${key.key}\n(shown once: store it now)\n`);
  return 0;
}

const stateOf = (k: ApiKeyView) => (k.revokedAt ? `revoked ${k.revokedAt}${k.revokedBy ? ` by ${k.revokedBy}` : ''}` : 'active');

export async function listCommand(values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const items = await listKeys(await ctx.migratedPool());
  if (values.json) printJson(ctx.io, { items });
  else {
    const rows = items.map((k) => [k.id, k.scope, k.name, k.prefix ? `${k.prefix}…` : '', k.fingerprint, k.createdAt, stateOf(k)]);
    ctx.io.stdout(table(['ID', 'SCOPE', 'NAME', 'PREFIX', 'FINGERPRINT', 'CREATED', 'STATE'], rows));
  }
  return 0;
}

export async function revokeCommand(id: string, values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const outcome = await revokeKey({ pool: await ctx.migratedPool() }, id, ctx.defaultActor());
  if (!outcome) throw new CliError(`no API key ${id} (see \`hrhooks keys list\`)`);
  if (values.json) printJson(ctx.io, outcome.key);
  else ctx.io.stdout(`${outcome.changed ? 'revoked' : 'already revoked'}: ${outcome.key.scope} key "${outcome.key.name}" (${outcome.key.id}); it is refused from now on\n`);
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
