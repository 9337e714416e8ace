// What a tenant's fields may be, as the platform sends them to POST/PATCH /v1/tenants (and the CLI): the id,
// the portal's framing origins, the branding, the limits and the retention. One schema per request; a failed parse becomes
// one error per bad field, named by its path (`branding.accentColor`, `portalOrigins.1`).
import { z } from 'zod';
import type { FieldError } from '../../domain/events/schema';
import { tenantIdSchema } from '../../domain/tenants/tenantId';
import { retentionSchema } from '../../domain/retention/policy';

/** Hosts a portal may be framed from over plain http: a developer's own machine (tests, local try-outs). */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An origin exactly (scheme, host, port; no path, query or trailing slash): https, or http on a local host. */
export function portalOriginProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL origin (https://host[:port])';
  }
  if (url.origin !== value) return `an origin only, e.g. ${url.origin === 'null' ? 'https://hr.example' : url.origin} (no path, query or trailing slash)`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) return null;
  return 'https origins only (http only for 127.0.0.1 or localhost)';
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

/** A logo the portal shows in an <img>: an https URL, or a data: image (base64). */
export function logoUrlProblem(value: string): string | null {
  if (value.startsWith('data:')) return DATA_IMAGE.test(value) ? null : 'a data: logo is data:image/(png|jpeg|gif|webp|svg+xml);base64,…';
  try {
    return new URL(value).protocol === 'https:' ? null : 'an https URL or a data:image/…;base64 URL';
  } catch {
    return 'an https URL or a data:image/…;base64 URL';
  }
}

const checked = (problem: (v: string) => string | null) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: 'custom', message, input: value });
};

const nameSchema = z.string().trim().min(1, 'required, 1–200 characters').max(200, 'at most 200 characters');

export const brandingSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  logoUrl: z.string().max(100_000, 'at most 100,000 characters').superRefine(checked(logoUrlProblem)).optional(),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').optional(),
});

export const limitsSchema = z.strictObject({
  eventsPerSecond: z.number().int('a whole number').min(1, 'at least 1').max(1_000_000, 'at most 1,000,000').optional(),
  subscriptions: z.number().int('a whole number').min(0, 'at least 0').max(1_000_000, 'at most 1,000,000').optional(),
});

const portalOriginsSchema = z.array(z.string().max(300).superRefine(checked(portalOriginProblem))).max(20, 'at most 20 origins');

export const tenantCreateSchema = z.strictObject({
  id: tenantIdSchema.optional(),
  name: nameSchema,
  portalOrigins: portalOriginsSchema.optional(),
  branding: brandingSchema.optional(),
  limits: limitsSchema.optional(),
  /** Issue 23: how long its closed deliveries' data is kept ("90d"); absent periods follow HRHOOKS_RETENTION_*. */
  retention: retentionSchema.optional(),
});
export type TenantCreate = z.infer<typeof tenantCreateSchema>;

/** PATCH: the fields given replace the stored ones (branding and limits as a whole: `{}` clears them). */
export const tenantUpdateSchema = tenantCreateSchema.omit({ id: true }).partial();
export type TenantUpdate = z.infer<typeof tenantUpdateSchema>;

/** One error per bad field; an unknown field is named itself. */
export function tenantFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: at.length ? at.join('.') : '(body)', message: issue.message }];
  });
}
