// GET /audit: the audit trail as a table (when, who, action, target, outcome, address, tenant in the global view),
// filtered by period, actor, action and target, newest first with a cursor. A tenant's session sees its tenant's
// entries (its scoped pool: row-level security); a platform operator sees the tenant it filters by, or every
// entry, platform-level ones included. A portal viewer's session is refused: the trail names operators and addresses.
import { Router, type Request, type RequestHandler } from 'express';
import { auditPage, parseAuditQuery, type AuditPage, type AuditRow, type AuditScope } from '../../app/audit/query';
import { AUDIT_ACTIONS } from '../../app/audit/record';
import { Time } from './components/Time';
import { EmptyState } from './components/notices';
import { useManyTenants } from './components/tenantColumn';
import { inScope, requestScopeOf, sendError, sendPage, sessionOf, type UiDeps } from './respond';

const FILTERS = ['since', 'until', 'actor', 'action', 'target'] as const;
type Form = Partial<Record<(typeof FILTERS)[number] | 'cursor', string>>;

function formOf(req: Request): Form {
  const form: Form = {};
  for (const name of [...FILTERS, 'cursor'] as const) {
    const v = req.query[name];
    if (typeof v === 'string' && v.trim() !== '') form[name] = v.trim().slice(0, 1000);
  }
  return form;
}

function link(form: Form, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, cursor })) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `/audit?${qs}` : '/audit';
}

function Filters({ form }: { form: Form }) {
  return (
    <form class="filters card" method="get" action="/audit">
      <label>Since <input type="text" name="since" value={form.since ?? ''} placeholder="24h, 7d or 2026-12-01" /></label>
      <label>Until <input type="text" name="until" value={form.until ?? ''} placeholder="2026-12-05T12:00Z" /></label>
      <label>Who <input type="text" name="actor" value={form.actor ?? ''} placeholder="key name or id" /></label>
      <label>Action <select name="action">
        <option value="">Any</option>
        {AUDIT_ACTIONS.map((a) => <option value={a} selected={a === form.action}>{a}</option>)}
      </select></label>
      <label>Target <input type="text" name="target" value={form.target ?? ''} placeholder="a subscription, delivery, key or tenant id" /></label>
      <button class="btn btn-primary" type="submit">Filter</button>
      <a class="btn" href="/audit">Reset</a>
    </form>
  );
}

function who(row: AuditRow): string {
  if (row.actorType === 'portal') return `${row.actorName} (portal ${row.actorId ?? ''})`;
  if (row.actorType === 'key' || row.actorType === 'session') return `${row.actorName} (${row.actorType === 'key' ? 'API key' : 'web'} ${row.actorId ?? ''})`;
  return row.actorName;
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

function Entries({ items }: { items: AuditRow[] }) {
  const many = useManyTenants();
  return (
    <div class="table-wrap">
      <table id="audit" class="cards">
        <thead><tr><th>When</th>{many ? <th>Tenant</th> : null}<th>Who</th><th>Action</th><th>Target</th><th>Outcome</th><th>From</th><th>Details</th></tr></thead>
        <tbody>
          {items.map((r) => (
            <tr data-action={r.action}>
              <td class="nowrap"><Time iso={r.at.toISOString()} /></td>
              {many ? <td>{r.tenantId ?? 'platform'}</td> : null}
              <td>{who(r)}</td>
              <td><code>{r.action}</code></td>
              <td>{r.targetId ? `${r.targetType ?? ''} ${r.targetId}` : (r.targetType ?? '')}</td>
              <td>{r.outcome}{r.status ? ` (${r.status})` : ''}</td>
              <td>{r.address ?? ''}{r.requestId ? <span class="muted"> {r.requestId}</span> : null}</td>
              <td class="muted">{r.door} {detailText(r.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditTrailPage({ form, page, error }: { form: Form; page: AuditPage | null; error: string | null }) {
  return (
    <>
      <h1>Audit trail</h1>
      <p class="muted">Every administrator and operator action: who, when, from where, on what. Never a payload, a secret or a note's text.</p>
      <Filters form={form} />
      {error ? <EmptyState text={error} /> : page && page.items.length > 0 ? <Entries items={page.items} /> : <EmptyState text="No entry matches." />}
      <nav class="pager">
        {form.cursor ? <a href={link({ ...form, cursor: undefined })}>« First page</a> : null}
        {page?.nextCursor ? <a href={link({ ...form, cursor: undefined }, page.nextCursor)}>Next page »</a> : null}
      </nav>
    </>
  );
}

export function auditRoutes(deps: UiDeps, chains: { page: RequestHandler[] }): Router {
  const router = Router();
  router.get('/audit', ...chains.page, async (req, res) => {
    if (sessionOf(res)!.role === 'viewer') return sendError(req, res, 403, 'Not for viewers', 'The audit trail is for administrators.');
    const tenant = requestScopeOf(res)?.scope.tenant ?? null;
    const scope: AuditScope = tenant ? { kind: 'tenant', tenantId: tenant.id } : { kind: 'all' };
    const form = formOf(req);
    const parsed = parseAuditQuery(form, scope);
    const frame = { title: 'Audit trail', active: 'audit' as const };
    if (!parsed.ok) {
      const text = parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      return sendPage(req, res, { ...frame, flash: { kind: 'error', text } }, <AuditTrailPage form={form} page={null} error="Fix the filter above." />, 400);
    }
    // a tenant's rows through its scoped pool (row-level security); the global view reads every tenant's
    const pool = tenant ? inScope(deps, res).pool : deps.pool;
    sendPage(req, res, frame, <AuditTrailPage form={form} page={await auditPage(pool, parsed.filter)} error={null} />);
  });
  return router;
}
