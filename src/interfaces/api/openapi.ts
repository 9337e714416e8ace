// Builds /openapi.json from the same zod schemas that validate requests (z.toJSONSchema), plus the
// route table below. Pure: no I/O. A new route is one line here.
import { z } from 'zod';
import { producerEventDocSchema } from '../../domain/events/schema';
import {
  bulkResyncSchema,
  deliveriesQuerySchema,
  markProcessedSchema,
  publicSubscriptionSchema,
  resyncSchema,
  rotateAuthorizationSchema,
  rotateSecretSchema,
  subscriptionCreateSchema,
  subscriptionUpdateSchema,
} from './schemas';
import { tenantCreateSchema, tenantUpdateSchema } from '../../app/tenants/schemas';
import { portalLinkRequestDoc } from '../../app/portal/portalLinks';
import { ACCESS_EXPORT, ERASURE_LIST, ERASURE_RECEIPT, erasureRequestSchema, erasuresQuerySchema } from '../../app/privacy/schemas';

type Scope = 'producer' | 'admin' | 'platform' | 'none';

interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  scope: Scope;
  status: number;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** JSON schema of the success body, when documented. */
  response?: Record<string, unknown>;
  /** Problem statuses beyond the ones every route may answer (409 conflict, 413 too large, 422 reserved…). */
  problems?: string[];
}

const SUBSCRIPTION = { $ref: '#/components/schemas/Subscription' };
const SUBSCRIPTION_LIST = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: SUBSCRIPTION } } };
const nullableString = { type: 'string', nullable: true };
const API_KEY = {
  type: 'object',
  required: ['id', 'name', 'scope', 'tenantId', 'prefix', 'fingerprint', 'createdAt', 'revokedAt', 'revokedBy'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string', enum: ['platform', 'admin', 'producer'] },
    tenantId: { ...nullableString, description: 'the tenant the key belongs to; null for a platform key' },
    prefix: { ...nullableString, description: 'first characters of the key (a quarter at most, 12 at most); null for keys older than this field' },
    fingerprint: { type: 'string', description: '`sha256:` + the first 16 hex digits of SHA-256 of the key' },
    createdAt: { type: 'string', format: 'date-time' }, revokedAt: { ...nullableString, format: 'date-time' }, revokedBy: nullableString,
  },
};

const KEY_LIST = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: API_KEY } } };
const NEW_KEY = { type: 'object', required: ['id', 'name', 'scope', 'tenantId', 'key'], properties: { ...API_KEY.properties, key: { type: 'string', description: 'the key: shown in this answer only (cache-control: no-store)' } } };
const newKeySchema = z.strictObject({ scope: z.enum(['admin', 'producer']), name: z.string().min(1).max(100) });
const TENANT = {
  type: 'object',
  required: ['id', 'name', 'portalOrigins', 'branding', 'limits', 'disabledAt', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, portalOrigins: { type: 'array', items: { type: 'string' } },
    branding: { type: 'object', properties: { name: { type: 'string' }, logoUrl: { type: 'string' }, accentColor: { type: 'string' } } },
    limits: { type: 'object', properties: { eventsPerSecond: { type: 'integer' }, subscriptions: { type: 'integer' } } },
    retention: { type: 'object', properties: { events: { type: 'string' }, bodies: { type: 'string' } }, description: 'periods of its own, e.g. "90d"; absent: the instance defaults' },
    disabledAt: { ...nullableString, format: 'date-time' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
};
const auditQuerySchema = z.object({
  since: z.string().optional().describe('from this time: ISO 8601, or a duration back from now (15m, 24h, 7d)'),
  until: z.string().optional().describe('before this time (same forms)'),
  actor: z.string().optional().describe("the actor's name or key id"),
  action: z.string().optional().describe('one action (subscription.created), or every action of a kind with a trailing dot (subscription.)'),
  target: z.string().optional().describe("the target's id, or type:id"),
  cursor: z.string().optional().describe('nextCursor of the page before'),
  limit: z.string().optional().describe('page size, 1–500 (default 50)'),
});
const AUDIT_PAGE = {
  type: 'object', required: ['items', 'nextCursor'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, at: { type: 'string', format: 'date-time' }, tenantId: nullableString,
          actor: { type: 'object', properties: { type: { type: 'string', enum: ['key', 'session', 'portal', 'cli', 'system', 'anonymous'] }, id: nullableString, name: { type: 'string' } } },
          action: { type: 'string' }, target: { type: 'object', nullable: true, properties: { type: nullableString, id: nullableString } },
          outcome: { type: 'string', enum: ['ok', 'refused', 'failed'] }, status: { type: 'integer', nullable: true },
          address: nullableString, requestId: nullableString, door: { type: 'string', enum: ['api', 'web', 'cli', 'app'] },
          detail: { type: 'object', description: 'counts and flags only (hasNote, matched, scope, fields…): never a payload, a secret or a note' },
        },
      },
    },
    nextCursor: nullableString,
  },
};
const tenantsQuerySchema = z.object({ cursor: z.string().optional().describe('nextCursor of the page before'), limit: z.string().optional().describe('page size, 1–200 (default 50)') });

export const API_ROUTES: RouteSpec[] = [
  { method: 'post', path: '/v1/events', problems: ['409', '413', '422'], summary: 'Accept an event (idempotent on id): 202 once it is stored, its deliveries `pending` until its workflow starts; 429 with Retry-After past the tenant\'s `limits.eventsPerSecond` (nothing stored); 503 only when Postgres is down', scope: 'producer', status: 202, body: producerEventDocSchema },
  { method: 'post', path: '/v1/tenants/{id}/events', problems: ['409', '413', '422'], summary: 'A platform key posts an event into the tenant it names (the same body and answers as POST /v1/events; idempotent per tenant): 202 once it is stored, its deliveries `pending` until its workflow starts; 429 with Retry-After past the tenant\'s `limits.eventsPerSecond` (nothing stored); 503 only when Postgres is down', scope: 'producer', status: 202, body: producerEventDocSchema },
  { method: 'post', path: '/v1/subscriptions', problems: ['409'], summary: 'Create a subscription (secret returned once); 409 when the tenant has as many as its `limits.subscriptions` (`errors[0].field`: `limits.subscriptions`). Extra `headers` are sealed at rest and never shown again (each name with "[set]"); a header or Authorization value the HTTP client cannot send (control characters, non-ASCII, U+2028, `Expect`, `Host`…) is 400 naming the field. `events`: `"*"` or `["*"]` (every type but the clock events), or a list of types', scope: 'admin', status: 201, body: subscriptionCreateSchema },
  { method: 'get', path: '/v1/subscriptions', summary: 'List subscriptions (a broken one is listed with `error`)', scope: 'admin', status: 200, response: SUBSCRIPTION_LIST },
  { method: 'get', path: '/v1/subscriptions/{id}', summary: 'Get a subscription (a broken one answers 200 with `error`); `state` and `pause` say when the circuit breaker paused it, why, and how many deliveries wait', scope: 'admin', status: 200, response: SUBSCRIPTION },
  { method: 'patch', path: '/v1/subscriptions/{id}', summary: 'Update a subscription. `headers` replaces the whole set; `"[set]"` (or `"[redacted]"`) for a stored name keeps its stored value, so a GET sent back changes nothing; a placeholder for a name with no stored value is 400 naming `headers.<name>`', scope: 'admin', status: 200, body: subscriptionUpdateSchema, response: SUBSCRIPTION },
  { method: 'delete', path: '/v1/subscriptions/{id}', summary: 'Delete a subscription (cancels open deliveries)', scope: 'admin', status: 204 },
  { method: 'post', path: '/v1/subscriptions/{id}/test', summary: 'Send a test message through the normal path', scope: 'admin', status: 202 },
  { method: 'post', path: '/v1/subscriptions/{id}/rotate-secret', summary: 'Rotate the signing secret (new one returned once). standard: both secrets sign every request (two signatures in `webhook-signature`) until the grace period ends. aspnet (one `MS-Signature`): the new secret is pending, the current one keeps signing until `activateAt`, or until activate-credential when absent', scope: 'admin', status: 200, body: rotateSecretSchema },
  { method: 'post', path: '/v1/subscriptions/{id}/rotate-authorization', summary: 'lucca: set a new Authorization value (returned once), pending: the current one is sent until `activateAt`, or until activate-credential when absent (PATCH authorization replaces it at once)', scope: 'admin', status: 200, body: rotateAuthorizationSchema },
  { method: 'post', path: '/v1/subscriptions/{id}/activate-credential', problems: ['409'], summary: 'aspnet, lucca: the pending secret or Authorization value is sent from now on, the previous one no longer (409 when none is pending)', scope: 'admin', status: 200, response: SUBSCRIPTION },
  { method: 'post', path: '/v1/subscriptions/{id}/resume', summary: 'Resume a subscription the circuit breaker paused (the held deliveries drain in order); `resumed` says whether it was paused', scope: 'admin', status: 202 },
  { method: 'get', path: '/v1/deliveries', summary: 'Search deliveries (cursor pagination)', scope: 'admin', status: 200, query: deliveriesQuerySchema },
  { method: 'post', path: '/v1/deliveries/resync', summary: 'Resync failed deliveries in bulk', scope: 'admin', status: 202, body: bulkResyncSchema },
  { method: 'get', path: '/v1/deliveries/{id}', summary: 'Delivery detail: message, attempts, live state from its event workflow (workflowId, temporalUrl: null in Temporal server mode without TEMPORAL_UI_URL, which runs no Web UI); a `queued` delivery names what it waits for (`waitingFor`: the delivery ahead of it, `subscription paused` or `rate limit`), a `superseded` one the delivery that replaced it (`supersededBy`)', scope: 'admin', status: 200 },
  { method: 'post', path: '/v1/deliveries/{id}/resync', summary: 'Attempt now (409 while an earlier delivery of the same resource is open on an ordered subscription)', scope: 'admin', status: 202, body: resyncSchema },
  { method: 'post', path: '/v1/deliveries/{id}/mark-processed', summary: 'Close as processed', scope: 'admin', status: 202, body: markProcessedSchema },
  { method: 'get', path: '/v1/dashboard', summary: 'Counts by status, the error to-do list, `charts` (deliveries per UTC hour over 24 h and per UTC day over 30 days by outcome: firstTry, afterRetries, failed, processed, inProgress, other; attempt latency p50/p95 per hour) and every subscription\'s `health`, worst first', scope: 'admin', status: 200 },
  { method: 'get', path: '/v1/subscriptions/{id}/health', summary: 'One subscription\'s health (success rate 24 h / 7 d, p95 latency, last success, consecutive failures, open and failed deliveries, 7-day sparkline, level) and its charts', scope: 'admin', status: 200 },
  { method: 'post', path: '/v1/keys', summary: "Create an admin or producer key in the request's tenant (a tenant admin key: its own; a platform key: `default`, or the tenant named by `/v1/tenants/{id}/keys`); the key is in this answer only", scope: 'admin', status: 201, body: newKeySchema, response: NEW_KEY },
  { method: 'get', path: '/v1/keys', summary: "List the API keys of the request's tenant (also as `/v1/tenants/{id}/keys`; never a key or its hash: id, name, scope, tenant, prefix, fingerprint, dates)", scope: 'admin', status: 200, response: KEY_LIST },
  { method: 'post', path: '/v1/tenants/{id}/keys', summary: 'Create an admin or producer key in the tenant named (platform key, or that tenant\'s admin key); the key is in this answer only', scope: 'admin', status: 201, body: newKeySchema, response: NEW_KEY },
  { method: 'get', path: '/v1/tenants/{id}/keys', summary: 'List the API keys of the tenant named (never a key or its hash)', scope: 'admin', status: 200, response: KEY_LIST },
  { method: 'delete', path: '/v1/keys/{id}', summary: 'Revoke an API key (the same as POST /v1/keys/{id}/revoke)', scope: 'admin', status: 200, response: API_KEY },
  { method: 'post', path: '/v1/keys/{id}/revoke', summary: 'Revoke an API key for good (a bootstrap key too: it stays revoked at the next start); its API calls and web-interface sessions are refused from the next request; revoking again changes nothing', scope: 'admin', status: 200, response: API_KEY },
  { method: 'post', path: '/v1/platform-keys', summary: 'Create a platform key (no tenant: manages tenants, acts in one by naming it); the key is in this answer only', scope: 'platform', status: 201, body: z.strictObject({ name: z.string().min(1).max(100) }), response: NEW_KEY },
  { method: 'get', path: '/v1/platform-keys', summary: 'List the platform keys (never a key or its hash)', scope: 'platform', status: 200, response: KEY_LIST },
  { method: 'post', path: '/v1/platform-keys/{id}/revoke', summary: 'Revoke a platform key for good (404 for a tenant\'s key: revoke it in its tenant)', scope: 'platform', status: 200, response: API_KEY },
  { method: 'post', path: '/v1/tenants', problems: ['409'], summary: 'Create a tenant: `id` (1–64 of A–Z a–z 0–9 . _ -; generated `tnt_…` when absent; 409 when taken, ids are never reused), `name`, `portalOrigins` (https origins; http only for 127.0.0.1/localhost), `branding` (`name`, `logoUrl` https or data:image, `accentColor` #rrggbb), `limits` (`eventsPerSecond` ≥ 1, `subscriptions` ≥ 0), `retention` (`events`, `bodies`: whole days `1d`–`3650d`, bodies at most events; 400 names `retention.events` / `retention.bodies`)', scope: 'platform', status: 201, body: tenantCreateSchema, response: TENANT },
  { method: 'get', path: '/v1/tenants', summary: 'List live tenants by id (cursor pagination: `nextCursor`)', scope: 'platform', status: 200, query: tenantsQuerySchema, response: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: TENANT }, nextCursor: nullableString } } },
  { method: 'get', path: '/v1/tenants/{id}', summary: 'Get a tenant (404 when unknown or deleted)', scope: 'platform', status: 200, response: TENANT },
  { method: 'patch', path: '/v1/tenants/{id}', summary: 'Update a tenant: each field given replaces the stored one (`branding`, `limits` and `retention` as a whole: `{}` clears them, retention then follows the defaults)', scope: 'platform', status: 200, body: tenantUpdateSchema, response: TENANT },
  { method: 'post', path: '/v1/tenants/{id}/disable', summary: 'Disable a tenant: its POST /v1/events answers 403 (nothing stored); its open deliveries go on and stay actionable', scope: 'platform', status: 200, response: TENANT },
  { method: 'post', path: '/v1/tenants/{id}/enable', summary: 'Enable a disabled tenant: its events are accepted again', scope: 'platform', status: 200, response: TENANT },
  { method: 'delete', path: '/v1/tenants/{id}', problems: ['409'], summary: 'Delete a tenant: cancels its open deliveries (each records the cancel, by the key, note "tenant deleted"), revokes its keys, ends its web sessions; then 404 everywhere. 409 for `default`; 503 while deliveries could not be cancelled yet (it stays disabled: send DELETE again)', scope: 'platform', status: 200, response: { type: 'object', properties: { id: { type: 'string' }, deletedAt: { type: 'string', format: 'date-time' }, keysRevoked: { type: 'integer' }, sessionsEnded: { type: 'integer' } } } },
  { method: 'post', path: '/v1/tenants/{id}/portal-sessions', summary: "A single-use link into the tenant's follow-up portal (platform key, or the tenant's own admin key): `{ url, expiresAt }`. Opening `url` (GET) uses its token once and opens a browser session of that tenant and role, embeddable in an <iframe> on the tenant's `portalOrigins`; a used, expired or forged link opens nothing. Never cached (the URL is a secret until used)", scope: 'admin', status: 201, body: portalLinkRequestDoc, response: { type: 'object', required: ['url', 'expiresAt'], properties: { url: { type: 'string', format: 'uri' }, expiresAt: { type: 'string', format: 'date-time' } } } },
  { method: 'get', path: '/v1/audit', summary: "The request's tenant's audit trail, newest first (also as `/v1/tenants/{id}/audit`; a platform key on `/v1/audit` reads `default`'s): every admin and operator action with who, when, what, on what, the outcome and the client's address; never a payload, a secret or a note's text", scope: 'admin', status: 200, query: auditQuerySchema, response: AUDIT_PAGE },
  { method: 'get', path: '/v1/platform-audit', summary: 'The platform-level audit trail (tenants created, updated, disabled, enabled, deleted; platform keys created and revoked): entries of no tenant, newest first', scope: 'platform', status: 200, query: auditQuerySchema, response: AUDIT_PAGE },
  { method: 'post', path: '/v1/erasures', summary: "Erase an employee of the request's tenant (also as `/v1/tenants/{id}/erasures`): cancels their open deliveries (each records the cancel, by the key, note `erasure <id>`), erases their data keys (what was sealed under them reads `erased` everywhere at once) and redacts their events, deliveries and attempts; answers the receipt, kept in `GET /v1/erasures`. Again for the same employee: a new receipt with zero counts. 404 when the tenant holds nothing about them. Later events about them get a new key", problems: ['404'], scope: 'admin', status: 201, body: erasureRequestSchema, response: ERASURE_RECEIPT },
  { method: 'get', path: '/v1/erasures', summary: "The request's tenant's erasure receipts, newest first (also as `/v1/tenants/{id}/erasures`)", scope: 'admin', status: 200, query: erasuresQuerySchema, response: ERASURE_LIST },
  { method: 'get', path: '/v1/employees/{employeeId}/export', summary: "Access export (GDPR Art. 15): everything the request's tenant holds about the employee as one JSON document — events, deliveries with their attempts (bodies opened), erasures (also as `/v1/tenants/{id}/employees/{employeeId}/export`). 404 when the tenant holds nothing about them", scope: 'admin', status: 200, response: ACCESS_EXPORT },
  { method: 'get', path: '/healthz', summary: 'Liveness', scope: 'none', status: 200 },
  { method: 'get', path: '/readyz', summary: 'Readiness (Postgres and Temporal)', scope: 'none', status: 200 },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', scope: 'none', status: 200 },
  { method: 'get', path: '/openapi.json', summary: 'This document', scope: 'none', status: 200 },
];

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

function operation(route: RouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [];
  const pathParams = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
  for (const name of pathParams) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  if (route.query) {
    const shape = jsonSchema(route.query) as { properties?: Record<string, unknown> };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) parameters.push({ name, in: 'query', required: false, schema });
  }
  const success = route.response ? { description: 'Success', content: { 'application/json': { schema: route.response } } } : { description: 'Success' };
  const responses: Record<string, unknown> = { [route.status]: success, '400': problem, '503': problem };
  // 429: the per-key rate limit, or too many failed authentications from the caller's address (Retry-After).
  if (route.scope !== 'none') Object.assign(responses, { '401': problem, '403': problem, '429': problem });
  if (pathParams.length > 0) responses['404'] = problem;
  for (const code of route.problems ?? []) responses[code] = problem;
  return {
    summary: route.summary,
    ...(route.scope === 'none' ? { security: [] } : { 'x-scope': route.scope }),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.0.3',
    info: { title: 'hrhooks', version: '0.1.0', description: 'Durable webhook delivery for HR and payroll events' },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Subscription: jsonSchema(publicSubscriptionSchema),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
