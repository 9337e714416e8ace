// `hrhooks audit [--since --until --actor --action --target --limit --json]`: the audit trail, newest first,
// straight from Postgres. With --tenant (or HRHOOKS_TENANT): that tenant's entries only (read through its scoped
// pool); else every entry, the platform-level ones (tenant "-") included; --platform: those only.
import { auditJson, auditPage, parseAuditQuery, type AuditRow, type AuditScope } from '../../../app/audit/query';
import { printJson, UsageError, type CliContext } from '../context';
import { table } from '../table';

export interface AuditOptions {
  since?: string;
  until?: string;
  actor?: string;
  action?: string;
  target?: string;
  limit?: string;
  cursor?: string;
  platform?: boolean;
  json?: boolean;
}

const OPTION = { since: '--since', until: '--until', actor: '--actor', action: '--action', target: '--target', cursor: '--cursor', limit: '--limit' } as Record<string, string>;

function row(r: AuditRow): string[] {
  const who = r.actorId && r.actorType !== 'portal' ? `${r.actorName} (${r.actorId})` : r.actorType === 'portal' ? `${r.actorName} (portal ${r.actorId})` : r.actorName;
  const target = r.targetId ? `${r.targetType ?? ''}:${r.targetId}` : (r.targetType ?? '-');
  const outcome = r.status ? `${r.outcome} ${r.status}` : r.outcome;
  return [r.at.toISOString(), r.tenantId ?? '-', who, r.action, target, outcome, r.door, r.address ?? '-'];
}

export async function auditCommand(o: AuditOptions, ctx: CliContext): Promise<number> {
  if (o.platform && ctx.tenant !== null) throw new UsageError('--platform shows the entries of no tenant: leave out --tenant (and HRHOOKS_TENANT)');
  const scope: AuditScope = ctx.tenant !== null ? { kind: 'tenant', tenantId: ctx.tenant } : o.platform ? { kind: 'platform' } : { kind: 'all' };
  const parsed = parseAuditQuery({ since: o.since, until: o.until, actor: o.actor, action: o.action, target: o.target, cursor: o.cursor, limit: o.limit ?? '100' }, scope);
  if (!parsed.ok) throw new UsageError(parsed.errors.map((e) => `${OPTION[e.field] ?? e.field}: ${e.message}`).join('; '));
  const pool = ctx.tenant !== null ? await ctx.migratedPool() : await ctx.platformPool();
  const page = await auditPage(pool, parsed.filter);
  if (o.json) printJson(ctx.io, { items: page.items.map(auditJson), nextCursor: page.nextCursor });
  else {
    ctx.io.stdout(table(['AT', 'TENANT', 'WHO', 'ACTION', 'TARGET', 'OUTCOME', 'DOOR', 'FROM'], page.items.map(row)));
    if (page.nextCursor) ctx.io.stdout(`more: --cursor ${page.nextCursor}\n`);
  }
  return 0;
}
