// Which audit action each mutating route of the API and of the web interface is (the route as its router spells
// it, `{param}` for `:param`), where its target's id comes from, and the facts (counts, flags: never a value of
// the request) kept with it. `null`: deliberately not recorded, with the reason. test/audit/audit.test.ts fails
// when a router declares a mutating route missing here.
import type { AuditAction } from '../../app/audit/record';

/** What a route's audit entry is made from once it has answered. */
export interface AuditInput {
  params: Record<string, string>;
  body: Record<string, unknown>;
  /** The JSON answer (API), read for its id and counts only. */
  response: Record<string, unknown>;
  /** The redirect target (web). */
  location: string | null;
}

export interface RouteAudit {
  action: AuditAction | ((i: AuditInput) => AuditAction);
  /** platform: an action on the platform itself (tenants, platform keys): tenant NULL. Default: the request's tenant. */
  level?: 'platform';
  target?: { type: string; id: (i: AuditInput) => unknown };
  detail?: (i: AuditInput) => Record<string, unknown>;
}

const param = (name: string) => (i: AuditInput) => i.params[name];
const answered = (field: string) => (i: AuditInput) => i.response[field];
const hasNote = (i: AuditInput) => ({ hasNote: typeof i.body.note === 'string' && i.body.note.trim() !== '' });
/** Which fields a change named (their names, never their values). */
const fields = (i: AuditInput) => ({ fields: Object.keys(i.body).filter((k) => /^[A-Za-z]{1,40}$/.test(k)).sort().join('+') });
const counts = (i: AuditInput) => {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i.response)) if (typeof v === 'number') kept[k] = v;
  for (const [k, v] of Object.entries(i.response)) if (Array.isArray(v)) kept[k] = v.length;
  return { ...kept, ...hasNote(i) };
};
const selected = (i: AuditInput) => ({ selected: ([] as unknown[]).concat(i.body.id ?? i.body.row ?? []).length, ...hasNote(i) });
/** The web's bulk form: `action`, or a row button `row=<action>:<id>`. */
const bulkKind = (i: AuditInput): AuditAction => {
  const kind = typeof i.body.action === 'string' ? i.body.action : String(i.body.row ?? '').split(':')[0];
  return kind === 'markProcessed' ? 'delivery.bulk_marked_processed' : 'delivery.bulk_resynced';
};
/** A subscription id out of a redirect to its page. */
const subscriptionOfLocation = (i: AuditInput) => /^\/subscriptions\/([^/?#]+)/.exec(i.location ?? '')?.[1];

const subscription = { type: 'subscription', id: param('id') };
const delivery = { type: 'delivery', id: param('id') };
const tenant = { type: 'tenant', id: param('id') };

/** The JSON API (src/interfaces/api/routes). */
export const API_AUDIT: Record<string, RouteAudit | null> = {
  'post /v1/events': null, // producer traffic, not an operator action: the events table is its record
  'post /codec/decode': null, // reads (the Web UI decodes each page it shows): the codec's own request log
  'post /codec/encode': null,
  'post /codec/web-ui/{token}/decode': null,
  'post /codec/web-ui/{token}/encode': null,
  'post /v1/subscriptions': { action: 'subscription.created', target: { type: 'subscription', id: answered('id') } },
  'patch /v1/subscriptions/{id}': {
    action: (i) => (Object.keys(i.body).join() === 'enabled' ? (i.body.enabled === false ? 'subscription.disabled' : 'subscription.enabled') : 'subscription.updated'),
    target: subscription, detail: fields,
  },
  'delete /v1/subscriptions/{id}': { action: 'subscription.deleted', target: subscription },
  'post /v1/subscriptions/{id}/test': { action: 'subscription.test_sent', target: subscription },
  'post /v1/subscriptions/{id}/resume': { action: 'subscription.resumed', target: subscription },
  'post /v1/subscriptions/{id}/rotate-secret': { action: 'subscription.secret_rotated', target: subscription },
  'post /v1/subscriptions/{id}/rotate-authorization': { action: 'subscription.authorization_rotated', target: subscription },
  'post /v1/subscriptions/{id}/activate-credential': { action: 'subscription.credential_activated', target: subscription },
  'post /v1/deliveries/resync': { action: 'delivery.bulk_resynced', target: { type: 'subscription', id: (i) => i.body.subscriptionId }, detail: counts },
  'post /v1/deliveries/{id}/resync': { action: 'delivery.resynced', target: delivery, detail: hasNote },
  'post /v1/deliveries/{id}/mark-processed': { action: 'delivery.marked_processed', target: delivery, detail: hasNote },
  'post /v1/keys': { action: 'key.created', target: { type: 'key', id: answered('id') }, detail: (i) => ({ scope: i.response.scope ?? i.body.scope }) },
  'post /v1/keys/{id}/revoke': { action: 'key.revoked', target: { type: 'key', id: param('id') } },
  'delete /v1/keys/{id}': { action: 'key.revoked', target: { type: 'key', id: param('id') } },
  'post /v1/portal-sessions': { action: 'portal.link_issued', detail: (i) => ({ role: i.body.role ?? 'admin' }) },
  'post /v1/platform-keys': { action: 'platform_key.created', level: 'platform', target: { type: 'key', id: answered('id') } },
  'post /v1/platform-keys/{id}/revoke': { action: 'platform_key.revoked', level: 'platform', target: { type: 'key', id: param('id') } },
  'post /v1/tenants': { action: 'tenant.created', level: 'platform', target: { type: 'tenant', id: (i) => i.response.id ?? i.body.id } },
  'patch /v1/tenants/{id}': { action: (i) => ('retention' in i.body ? 'retention.updated' : 'tenant.updated'), level: 'platform', target: tenant, detail: fields },
  'post /v1/tenants/{id}/disable': { action: 'tenant.disabled', level: 'platform', target: tenant },
  'post /v1/tenants/{id}/enable': { action: 'tenant.enabled', level: 'platform', target: tenant },
  'delete /v1/tenants/{id}': { action: 'tenant.deleted', level: 'platform', target: tenant, detail: counts },
  // Issue 23's other doors, recorded here as soon as their routes exist.
  'post /v1/erasures': { action: 'erasure.requested', target: { type: 'erasure', id: answered('id') }, detail: counts },
};

/** The web interface (src/interfaces/web); sign-in, portal opening and sign-out take their actor from the session. */
export const WEB_AUDIT: Record<string, RouteAudit | null> = {
  'post /login': { action: 'session.sign_in' },
  'post /logout': { action: 'session.sign_out' },
  'get /portal/open': { action: 'portal.session_opened' },
  'post /tenants/{tenant}/open': { action: 'portal.link_issued', target: { type: 'tenant', id: param('tenant') }, detail: () => ({ role: 'admin' }) },
  'post /subscriptions': { action: 'subscription.created', target: { type: 'subscription', id: subscriptionOfLocation } },
  'post /subscriptions/{id}/edit': { action: 'subscription.updated', target: subscription },
  'post /subscriptions/{id}/enable': { action: 'subscription.enabled', target: subscription },
  'post /subscriptions/{id}/disable': { action: 'subscription.disabled', target: subscription },
  'post /subscriptions/{id}/delete': { action: 'subscription.deleted', target: subscription },
  'post /subscriptions/{id}/test': { action: 'subscription.test_sent', target: subscription },
  'post /subscriptions/{id}/resume': { action: 'subscription.resumed', target: subscription },
  'post /subscriptions/{id}/resync-failed': { action: 'subscription.failed_resynced', target: subscription },
  'post /subscriptions/{id}/rotate-secret': { action: 'subscription.secret_rotated', target: subscription },
  'post /subscriptions/{id}/authorization': { action: 'subscription.authorization_rotated', target: subscription },
  'post /subscriptions/{id}/activate-credential': { action: 'subscription.credential_activated', target: subscription },
  'post /deliveries/{id}/resync': { action: 'delivery.resynced', target: delivery, detail: hasNote },
  'post /deliveries/{id}/mark-processed': { action: 'delivery.marked_processed', target: delivery, detail: hasNote },
  'post /deliveries/bulk': { action: bulkKind, detail: selected },
};

export interface MatchedRoute {
  route: string;
  audit: RouteAudit | null;
  params: Record<string, string>;
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The table's route for a request (the most literal one when several match), with its path parameters. */
export function matchAuditRoute(table: Record<string, RouteAudit | null>, method: string, path: string): MatchedRoute | null {
  const segments = path.split('/');
  let best: (MatchedRoute & { literal: number }) | null = null;
  for (const [route, audit] of Object.entries(table)) {
    const [m, pattern] = route.split(' ') as [string, string];
    if (m !== method.toLowerCase()) continue;
    const parts = pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    const matches = parts.every((part, n) => {
      const placeholder = /^\{(\w+)\}$/.exec(part);
      if (!placeholder) return part === segments[n] && ++literal > 0;
      const value = decoded(segments[n]!);
      if (!value) return false;
      params[placeholder[1]!] = value;
      return true;
    });
    if (matches && (!best || literal > best.literal)) best = { route, audit, params, literal };
  }
  return best && { route: best.route, audit: best.audit, params: best.params };
}

/** The entry's action, target and facts for a matched route. */
export function describeAction(audit: RouteAudit, input: AuditInput): { action: AuditAction; target: { type: string; id: string | null } | null; detail: Record<string, unknown> } {
  const action = typeof audit.action === 'function' ? audit.action(input) : audit.action;
  const id = audit.target?.id(input);
  const target = audit.target ? { type: audit.target.type, id: typeof id === 'string' ? id : null } : null;
  return { action, target, detail: audit.detail?.(input) ?? {} };
}
