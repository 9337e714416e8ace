// `hrhooks portal-link <tenant> [--role viewer] [--ttl 15m] [--return-url URL]`: prints a single-use link that
// opens the tenant's follow-up portal (../../../app/portal/portalLinks.ts), straight in Postgres. Its base is
// HRHOOKS_PUBLIC_URL, else the running gateway's address. The link is a secret until used: printed, never logged.
import { createPortalLinkById } from '../../../app/portal/portalLinks';
import { CliError, printJson, UsageError, type CliContext } from '../context';
import { recordCli } from '../audit';

export interface PortalLinkOptions {
  role?: string;
  ttl?: string;
  returnUrl?: string;
  json?: boolean;
}

export async function portalLinkCommand(tenant: string, values: PortalLinkOptions, ctx: CliContext): Promise<number> {
  const baseUrl = ctx.config.HRHOOKS_PUBLIC_URL ?? ctx.gatewayUrl;
  const request = { role: values.role ?? 'admin', ttl: values.ttl, returnUrl: values.returnUrl };
  const outcome = await createPortalLinkById({ pool: await ctx.migratedPool() }, tenant, request, { baseUrl, createdBy: ctx.defaultActor() });
  if (!outcome) throw new CliError(`no tenant ${tenant} (see \`hrhooks tenants list\`)`);
  if (!outcome.ok) throw new UsageError(outcome.problems.map((p) => `--${p.field === 'returnUrl' ? 'return-url' : p.field}: ${p.message}`).join('; '));
  await recordCli(ctx, { action: 'portal.link_issued', tenantId: tenant, target: { type: 'tenant', id: tenant }, detail: { role: request.role } });
  if (values.json) printJson(ctx.io, { url: outcome.url, expiresAt: outcome.expiresAt });
  else ctx.io.stdout(`${outcome.url}\n`);
  if (!values.json) ctx.io.stderr(`opens once, until ${outcome.expiresAt} (${request.role}, tenant ${tenant})\n`);
  return 0;
}
