// `hrhooks keys create`: makes an API key (a platform key, or a tenant's admin or producer key: --tenant,
// default `default`); the clear key is printed once and only its hash is stored. Works without a gateway.
// `hrhooks keys list|revoke`: API keys by id, prefix and fingerprint (never a key); a revoked key stays revoked;
// with --tenant, that tenant's keys only.
// `hrhooks keys rotate-secret-key`: re-seals every stored secret under HRHOOKS_SECRET_KEY (see rotateSecretKey.ts).
import { rotateSecretKey } from '../../../app/secrets/rotateSecretKey';
import { createKey, listKeys, revokeKey, type ApiKeyView } from '../../../app/keys/apiKeys';
import { DEFAULT_TENANT } from '../../../domain/tenants/tenantId';
import { getTenant } from '../../../app/tenants/manage';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';
import { recordCli } from '../audit';

const SCOPES = ['platform', 'admin', 'producer'] as const;
type Scope = (typeof SCOPES)[number];

function scopeOf(value: string | undefined): Scope {
  if (!SCOPES.includes(value as Scope)) throw new UsageError('--scope must be platform, admin or producer');
  return value as Scope;
}

export async function createCommand(values: { scope?: string; name?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  const scope = scopeOf(values.scope);
  if (!values.name?.trim()) throw new UsageError('--name is required');
  if (scope === 'platform' && ctx.tenant !== null) throw new UsageError('a platform key belongs to no tenant: leave out --tenant (and HRHOOKS_TENANT)');
  const tenantId = scope === 'platform' ? null : (ctx.tenant ?? DEFAULT_TENANT);
  const pool = await ctx.platformPool();
  if (tenantId !== null && !(await getTenant({ pool }, tenantId))) throw new CliError(`no tenant ${tenantId} (see \`hrhooks tenants list\`)`);
  const key = await createKey(pool, scope, values.name, tenantId);
  await recordCli(ctx, { action: scope === 'platform' ? 'platform_key.created' : 'key.created', tenantId, target: { type: 'key', id: key.id }, detail: { scope } });
  if (values.json) printJson(ctx.io, key);
  else ctx.io.stdout(`${key.scope} key "${key.name}"${tenantId ? ` of tenant ${tenantId}` : ''} (${key.id}):\n${key.key}\n(shown once: store it now)\n`);
  return 0;
}

const stateOf = (k: ApiKeyView) => (k.revokedAt ? `revoked ${k.revokedAt}${k.revokedBy ? ` by ${k.revokedBy}` : ''}` : 'active');

export async function listCommand(values: { scope?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  const scope = values.scope === undefined ? undefined : scopeOf(values.scope);
  const items = (await listKeys(await ctx.migratedPool())).filter((k) => scope === undefined || k.scope === scope);
  if (values.json) printJson(ctx.io, { items });
  else {
    const rows = items.map((k) => [k.id, k.scope, k.tenantId ?? '-', k.name, k.prefix ? `${k.prefix}…` : '', k.fingerprint, k.createdAt, stateOf(k)]);
    ctx.io.stdout(table(['ID', 'SCOPE', 'TENANT', 'NAME', 'PREFIX', 'FINGERPRINT', 'CREATED', 'STATE'], rows));
  }
  return 0;
}

export async function revokeCommand(id: string, values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const outcome = await revokeKey({ pool: await ctx.migratedPool() }, id, ctx.defaultActor());
  if (!outcome) {
    await recordCli(ctx, { action: 'key.revoked', tenantId: ctx.tenant, target: { type: 'key', id }, outcome: 'refused' });
    throw new CliError(`no API key ${id} (see \`hrhooks keys list\`)`);
  }
  const platformKey = outcome.key.scope === 'platform';
  await recordCli(ctx, { action: platformKey ? 'platform_key.revoked' : 'key.revoked', tenantId: outcome.key.tenantId, target: { type: 'key', id: outcome.key.id }, detail: { changed: outcome.changed } });
  if (values.json) printJson(ctx.io, outcome.key);
  else ctx.io.stdout(`${outcome.changed ? 'revoked' : 'already revoked'}: ${outcome.key.scope} key "${outcome.key.name}" (${outcome.key.id}); it is refused from now on\n`);
  return 0;
}

export async function rotateCommand(values: { json?: boolean }, ctx: CliContext): Promise<number> {
  const result = await rotateSecretKey(await ctx.platformPool(), await ctx.box());
  await recordCli(ctx, { action: 'secret_key.rotated', tenantId: null, target: { type: 'secret_key', id: result.keyId }, detail: { values: result.values, subscriptions: result.subscriptions } });
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
