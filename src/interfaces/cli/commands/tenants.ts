// `hrhooks tenants create|list|show|update|disable|enable|delete`: the platform's tenants through the same use
// cases as /v1/tenants (src/app/tenants), on the whole database (and Temporal, to cancel a deleted tenant's
// open deliveries). Options map onto the API's fields; a bad field is named by its option.
import { createTenant, disableTenant, enableTenant, getTenant, tenantsPage, updateTenantFields, type Tenant } from '../../../app/tenants/manage';
import { deleteTenant } from '../../../app/tenants/deleteTenant';
import type { FieldError } from '../../../domain/events/schema';
import { createLogger } from '../../../infra/observability/log';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';
import { terminalLine as line } from '../terminalText';
import { recordCli } from '../audit';

export interface TenantOptions {
  id?: string;
  name?: string;
  portalOrigin?: string[];
  brandName?: string;
  logoUrl?: string;
  accentColor?: string;
  eventsPerSecond?: string;
  maxSubscriptions?: string;
  json?: boolean;
}

const OPTION_OF: Record<string, string> = {
  id: '--id', name: '--name', portalOrigins: '--portal-origin', 'branding.name': '--brand-name', 'branding.logoUrl': '--logo-url',
  'branding.accentColor': '--accent-color', 'limits.eventsPerSecond': '--events-per-second', 'limits.subscriptions': '--max-subscriptions',
};

function optionOf(field: string): string {
  return OPTION_OF[field] ?? OPTION_OF[field.replace(/\.\d+$/, '')] ?? field;
}

function invalid(errors: FieldError[]): UsageError {
  return new UsageError(errors.map((e) => `${optionOf(e.field)}: ${e.message}`).join('; '));
}

/** A number option as given: a number when it reads as one, else the text (the schema names it). */
const numeric = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The API body the options stand for; branding and limits over `base` (the stored ones, on update). */
function bodyOf(o: TenantOptions, base?: Tenant): Record<string, unknown> {
  const branding = defined({ name: o.brandName, logoUrl: o.logoUrl, accentColor: o.accentColor });
  const limits = defined({ eventsPerSecond: numeric(o.eventsPerSecond), subscriptions: numeric(o.maxSubscriptions) });
  return defined({
    id: o.id, name: o.name, portalOrigins: o.portalOrigin,
    branding: Object.keys(branding).length ? { ...base?.branding, ...branding } : undefined,
    limits: Object.keys(limits).length ? { ...base?.limits, ...limits } : undefined,
  });
}

/** `key=value` for the keys set, in this order (Postgres keeps jsonb keys in an order of its own). */
function pairs(o: Record<string, unknown>, keys: string[]): string {
  const shown = (v: unknown) => (String(v).length > 60 ? `${String(v).slice(0, 57)}…` : String(v));
  return keys.filter((k) => o[k] !== undefined).map((k) => `${k}=${shown(o[k])}`).join(' ');
}

function print(ctx: CliContext, t: Tenant, json?: boolean): void {
  if (json) return printJson(ctx.io, t);
  const out = ctx.io.stdout;
  out(line`${t.id}  ${t.name}\n  state          ${t.disabledAt ? `disabled since ${t.disabledAt}` : 'active'}\n`);
  out(line`  portal origins ${t.portalOrigins.join(', ') || '(none)'}\n`);
  out(line`  branding       ${pairs({ ...t.branding }, ['name', 'logoUrl', 'accentColor']) || '(none)'}\n`);
  out(line`  limits         ${pairs({ ...t.limits }, ['eventsPerSecond', 'subscriptions']) || '(none of its own)'}\n  created        ${t.createdAt}\n`);
}

export async function createCommand(o: TenantOptions, ctx: CliContext): Promise<number> {
  if (!o.name?.trim()) throw new UsageError('--name is required');
  const outcome = await createTenant({ pool: await ctx.platformPool() }, bodyOf(o));
  if (!outcome.ok && outcome.reason === 'invalid') throw invalid(outcome.errors);
  if (!outcome.ok) throw new CliError(`tenant ${outcome.id} exists already (tenant ids are never reused)`);
  await recordCli(ctx, { action: 'tenant.created', tenantId: null, target: { type: 'tenant', id: outcome.tenant.id } });
  if (!o.json) ctx.io.stdout(line`created tenant ${outcome.tenant.id}\n`);
  print(ctx, outcome.tenant, o.json);
  return 0;
}

export async function listCommand(o: { json?: boolean }, ctx: CliContext): Promise<number> {
  const pool = await ctx.platformPool();
  const items: Tenant[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await tenantsPage({ pool }, { cursor, limit: 200 });
    if (!page.ok) throw new CliError(page.errors[0]!.message);
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (o.json) printJson(ctx.io, { items });
  else ctx.io.stdout(table(['ID', 'NAME', 'STATE', 'CREATED'], items.map((t) => [t.id, t.name, t.disabledAt ? `disabled ${t.disabledAt}` : 'active', t.createdAt])));
  return 0;
}

async function existing(ctx: CliContext, id: string): Promise<Tenant> {
  const tenant = await getTenant({ pool: await ctx.platformPool() }, id);
  if (!tenant) throw new CliError(`no tenant ${id} (see \`hrhooks tenants list\`)`);
  return tenant;
}

export async function showCommand(id: string, o: { json?: boolean }, ctx: CliContext): Promise<number> {
  print(ctx, await existing(ctx, id), o.json);
  return 0;
}

export async function updateCommand(id: string, o: TenantOptions, ctx: CliContext): Promise<number> {
  const body = bodyOf(o, await existing(ctx, id));
  if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give --name, --portal-origin, branding or limit options');
  const outcome = await updateTenantFields({ pool: await ctx.platformPool() }, id, body);
  if (!outcome.ok && outcome.reason === 'invalid') throw invalid(outcome.errors);
  if (!outcome.ok) throw new CliError(`no tenant ${id}`);
  await recordCli(ctx, { action: 'retention' in body ? 'retention.updated' : 'tenant.updated', tenantId: null, target: { type: 'tenant', id }, detail: { fields: Object.keys(body).sort().join('+') } });
  print(ctx, outcome.tenant, o.json);
  return 0;
}

export async function setDisabledCommand(id: string, disable: boolean, o: { json?: boolean }, ctx: CliContext): Promise<number> {
  const deps = { pool: await ctx.platformPool() };
  const tenant = disable ? await disableTenant(deps, id, ctx.defaultActor()) : await enableTenant(deps, id, ctx.defaultActor());
  if (!tenant) throw new CliError(`no tenant ${id} (see \`hrhooks tenants list\`)`);
  await recordCli(ctx, { action: disable ? 'tenant.disabled' : 'tenant.enabled', tenantId: null, target: { type: 'tenant', id } });
  if (o.json) printJson(ctx.io, tenant);
  else ctx.io.stdout(line`${disable ? `disabled tenant ${id}: no new events are accepted; its open deliveries go on` : `enabled tenant ${id}: its events are accepted`}\n`);
  return 0;
}

export async function deleteCommand(id: string, o: { by?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  const log = createLogger('warn', 'hrhooks', { write: (text: string) => ctx.io.stderr(text) });
  const outcome = await deleteTenant({ pool: await ctx.platformPool(), temporal: await ctx.temporal(), log }, id, o.by ?? ctx.defaultActor());
  if (!outcome.ok) {
    if (outcome.reason === 'default') throw new CliError('the default tenant cannot be deleted');
    if (outcome.reason === 'not_found') throw new CliError(`no tenant ${id} (see \`hrhooks tenants list\`)`);
    if (outcome.reason !== 'open_deliveries') throw new Error('unexpected outcome');
    throw new CliError(`${outcome.open} open deliveries could not be cancelled yet; tenant ${id} is disabled, not deleted: run the command again`);
  }
  const summary = { id, keysRevoked: outcome.keysRevoked, sessionsEnded: outcome.sessionsEnded };
  await recordCli(ctx, { action: 'tenant.deleted', tenantId: null, target: { type: 'tenant', id }, detail: { keysRevoked: outcome.keysRevoked, sessionsEnded: outcome.sessionsEnded } });
  if (o.json) printJson(ctx.io, summary);
  else ctx.io.stdout(line`deleted tenant ${id}: open deliveries cancelled, ${String(outcome.keysRevoked)} key(s) revoked, ${String(outcome.sessionsEnded)} web session(s) ended\n`);
  return 0;
}
