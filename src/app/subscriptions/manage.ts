// The subscription use cases shared by the API, the web interface and the CLI: create and update (schema, the
// format's field rules, the URL against the egress allowlist), enable/disable and delete (cancelling the open
// deliveries of a subscription that stops), the test message (rotation: rotation.ts). Each returns an outcome; callers only turn it into their own words.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { SecretBox } from '../../infra/crypto/secretBox';
import {
  createSubscription,
  getMatchable,
  getSubscription,
  softDeleteSubscription,
  updateSubscription,
  type PublicSubscription,
  type RevealedSubscription,
} from '../../infra/db/subscriptions';
import type { FieldError } from '../../domain/events/schema';
import { getFormat, type FormatName } from '../../domain/formats/registry';
import { testEventFor } from '../../domain/formats/testMessage';
import { ingest, type IngestDeps } from '../ingest/ingest';
import { checkUrl, type Cidr } from '../../infra/http/ssrfGuard';
import type { Logger } from '../../infra/observability/log';
import { cancelOpenDeliveries } from '../deliveries/cancelOpen';
import { withinSubscriptionLimit } from '../tenants/limits';
import { isPlaceholder, loadStoredHeaders, placeholderErrors, resolvePatchHeaders } from '../../infra/crypto/headerStore';
import { inputErrors, subscriptionCreateSchema, subscriptionRules, subscriptionUpdateSchema, type SubscriptionCreate } from './schemas';

export interface CheckDeps {
  pool: Pool;
  box: SecretBox;
  /** the egress allowlist (config.egressAllow: HRHOOKS_EGRESS_ALLOW parsed once) */
  allow: Cidr[];
}

export interface StopDeps {
  pool: Pool;
  box: SecretBox;
  temporal: Client;
  log: Logger;
}

/** `limit`: refused because the tenant is at its limits.subscriptions (../tenants/limits.ts); the errors say so. */
export type CreateOutcome = { ok: true; created: RevealedSubscription } | { ok: false; errors: FieldError[]; limit?: number };

export type UpdateOutcome =
  | { ok: true; updated: PublicSubscription }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'not_found' };

export type StopOutcome = { ok: true; subscription: PublicSubscription } | { ok: false; reason: 'not_found' };

/** The receiver URL's verdict as a field error; null when outbound webhooks may reach it. */
function urlError(allow: Cidr[], url: string): FieldError | null {
  const verdict = checkUrl(url, allow);
  if (verdict.ok) return null;
  const hint = verdict.kind === 'ssrf' ? ' (add its range to HRHOOKS_EGRESS_ALLOW to permit it)' : '';
  return { field: 'url', message: `${verdict.reason}${hint}` };
}

/** Input that failed the schema gets its URL's verdict too, so every error is reported in one pass. */
function withUrlError(allow: Cidr[], raw: unknown, errors: FieldError[]): FieldError[] {
  const url = typeof raw === 'object' && raw !== null ? (raw as { url?: unknown }).url : undefined;
  if (typeof url !== 'string' || errors.some((e) => e.field === 'url')) return errors;
  const verdict = urlError(allow, url);
  return verdict ? [...errors, verdict] : errors;
}

/** Update input checked without I/O and without saving (schema, the format's field rules, the URL), every error at once. */
export function checkSubscriptionUpdate(allow: Cidr[], format: FormatName | null, raw: unknown): FieldError[] {
  const parsed = subscriptionUpdateSchema.safeParse(raw ?? {});
  if (!parsed.success) return withUrlError(allow, raw, inputErrors(parsed.error));
  const url = parsed.data.url === undefined ? null : urlError(allow, parsed.data.url);
  return [...(format ? subscriptionRules(format, parsed.data) : []), ...(url ? [url] : [])];
}

/** Create input checked without I/O: schema, the format's field rules, the URL. */
export function checkSubscriptionCreate(allow: Cidr[], raw: unknown): { ok: true; input: SubscriptionCreate } | { ok: false; errors: FieldError[] } {
  const parsed = subscriptionCreateSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, errors: withUrlError(allow, raw, inputErrors(parsed.error)) };
  const url = urlError(allow, parsed.data.url);
  const errors = [...subscriptionRules(parsed.data.format, parsed.data), ...placeholderErrors(parsed.data.headers), ...(url ? [url] : [])];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: parsed.data };
}

export async function createSubscriptionChecked(deps: CheckDeps, raw: unknown): Promise<CreateOutcome> {
  const checked = checkSubscriptionCreate(deps.allow, raw);
  if (!checked.ok) return checked;
  const created = await withinSubscriptionLimit(() => createSubscription(deps.pool, deps.box, checked.input));
  return created.ok ? { ok: true, created: created.value } : { ok: false, errors: created.reached.errors, limit: created.reached.limit };
}

/** A PATCH's headers replace the stored ones; "[set]" for a stored name keeps its value (headerStore.ts). */
async function patchedHeaders(deps: CheckDeps, id: string, given: Record<string, string>) {
  if (!Object.values(given).some(isPlaceholder)) return { ok: true as const, headers: given };
  return resolvePatchHeaders(given, (await loadStoredHeaders(deps.pool, deps.box, id)) ?? {});
}

/** Applies a patch (checked against the stored format); disabling it cancels its open deliveries, by `by`. */
export async function updateSubscriptionChecked(deps: CheckDeps & StopDeps, id: string, patch: unknown, by: string): Promise<UpdateOutcome> {
  const parsed = subscriptionUpdateSchema.safeParse(patch ?? {});
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: withUrlError(deps.allow, patch, inputErrors(parsed.error)) };
  const existing = await getSubscription(deps.pool, deps.box, id);
  if (!existing) return { ok: false, reason: 'not_found' };
  const url = parsed.data.url === undefined ? null : urlError(deps.allow, parsed.data.url);
  const headers = parsed.data.headers === undefined ? null : await patchedHeaders(deps, existing.id, parsed.data.headers);
  const errors = [...(existing.format ? subscriptionRules(existing.format, parsed.data) : []), ...(headers?.ok === false ? headers.errors : []), ...(url ? [url] : [])];
  if (errors.length > 0) return { ok: false, reason: 'invalid', errors };
  const changes = headers?.ok ? { ...parsed.data, headers: headers.headers } : parsed.data;
  const updated = await updateSubscription(deps.pool, deps.box, existing.id, changes);
  if (!updated) return { ok: false, reason: 'not_found' };
  if (existing.enabled && parsed.data.enabled === false) await cancelOpenDeliveries(deps, existing.id, by, 'subscription disabled');
  return { ok: true, updated };
}

/** Enables or disables; disabling an enabled subscription cancels its open deliveries. Answers the subscription as it was. */
export async function setSubscriptionEnabled(deps: StopDeps, id: string, enabled: boolean, by: string): Promise<StopOutcome> {
  const existing = await getSubscription(deps.pool, deps.box, id);
  if (!existing) return { ok: false, reason: 'not_found' };
  await updateSubscription(deps.pool, deps.box, existing.id, { enabled });
  if (existing.enabled && !enabled) await cancelOpenDeliveries(deps, existing.id, by, 'subscription disabled');
  return { ok: true, subscription: existing };
}

/** Deletes (soft) and cancels the open deliveries. Answers the subscription as it was. */
export async function deleteSubscriptionChecked(deps: StopDeps, id: string, by: string): Promise<StopOutcome> {
  const existing = await getSubscription(deps.pool, deps.box, id);
  if (!existing || !(await softDeleteSubscription(deps.pool, existing.id))) return { ok: false, reason: 'not_found' };
  await cancelOpenDeliveries(deps, existing.id, by, 'subscription deleted');
  return { ok: true, subscription: existing };
}

export type TestOutcome =
  | { ok: true; eventId: string; deliveryId: string; status: string }
  | { ok: false; reason: 'not_found' | 'disabled' | 'not_taken' }
  | { ok: false; reason: 'broken'; error: string };

/** Sends the subscription its `hrhooks.test` message through the normal delivery path. */
export async function sendTestMessage(deps: IngestDeps & { box: SecretBox }, id: string): Promise<TestOutcome> {
  const sub = await getMatchable(deps.pool, id);
  const current = sub ? await getSubscription(deps.pool, deps.box, sub.id) : null;
  if (!sub || !current) return { ok: false, reason: 'not_found' };
  if (!current.enabled) return { ok: false, reason: 'disabled' };
  if (current.error) return { ok: false, reason: 'broken', error: current.error };
  const outcome = await ingest(deps, testEventFor(sub), { only: sub, isTest: true });
  const delivery = outcome.kind === 'accepted' ? outcome.accepted.deliveries[0] : undefined;
  if (!delivery || outcome.kind !== 'accepted') return { ok: false, reason: 'not_taken' };
  return { ok: true, eventId: outcome.accepted.eventId, deliveryId: delivery.id, status: delivery.status };
}
