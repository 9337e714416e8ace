// The CLI's audit door: its offline commands that change Postgres (keys, tenants, portal links, resync,
// mark processed, resume, the secret key's rotation) record what they did as `cli:<os user>` (ctx.defaultActor),
// door `cli`, no address. A failure to record is said on stderr; the command's own outcome stands.
import { recordAudit, tenantOfTarget, type AuditAction } from '../../app/audit/record';
import type { CliContext } from './context';

export interface CliAudit {
  action: AuditAction;
  /** The tenant it happened in; null: platform-level; undefined: the target's owner (or --tenant). */
  tenantId?: string | null;
  target?: { type: string; id: string | null } | null;
  outcome?: 'ok' | 'refused' | 'failed';
  detail?: Record<string, unknown>;
}

export async function recordCli(ctx: CliContext, a: CliAudit): Promise<void> {
  try {
    const pool = await ctx.platformPool();
    const tenantId = a.tenantId !== undefined ? a.tenantId : (ctx.tenant ?? (await tenantOfTarget(pool, a.target ?? null)));
    await recordAudit(pool, { tenantId, actor: { type: 'cli', name: ctx.defaultActor() }, action: a.action, target: a.target, outcome: a.outcome, detail: a.detail, door: 'cli' });
  } catch (err) {
    ctx.io.stderr(`hrhooks: the audit entry (${a.action}) was not recorded: ${(err as Error).message}\n`);
  }
}
