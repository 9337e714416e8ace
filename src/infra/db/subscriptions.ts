// Subscriptions repository: CRUD, soft delete, the enabled list used for matching (rotation: credentialRotation.ts).
// Secrets and authorization values are sealed at rest and never leave this module in a public view; reading
// rows never throws on one bad row (see subscriptionView.ts). Extra headers are sealed too (headerStore.ts); the public
// view carries the circuit breaker's pause (flowControl.ts pauseColumns). Setting authorization replaces it at once and drops a pending one.
import type { Pool, PoolClient } from 'pg';
import { randomToken, type SecretBox } from '../crypto/secretBox';
import type { EventType } from '../../domain/events/eventTypes';
import { getFormat, type FormatName } from '../../domain/formats/registry';
import type { PublicSubscription } from '../../domain/subscriptions/publicSubscription';
import { readSubscriptionRow } from './subscriptionView';
import { sealAuthorization, sealSecrets } from '../crypto/secretStore';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { sealHeaders } from '../crypto/headerStore';
import { PAUSE_JOIN, pauseColumns } from './flowControl';
import { inTransaction } from './transaction';

export interface SubscriptionFields {
  name: string;
  url: string;
  format: FormatName;
  events: EventType[] | '*';
  mode?: 'all' | 'approved' | null;
  authorization?: string | null;
  secret?: string | null;
  retrySchedule?: string[] | null;
  headers?: Record<string, string>;
  properties?: Record<string, unknown>;
  enabled?: boolean;
  ordering?: 'resource' | 'none';
  collapse?: boolean;
  maxPerSecond?: number;
  maxInFlight?: number;
  pauseAfterFailures?: number;
}

export type SubscriptionPatch = Partial<Omit<SubscriptionFields, 'format' | 'secret'>>;

/** What a create or rotate returns: the only time a secret or authorization value is shown. */
export type { PublicSubscription } from '../../domain/subscriptions/publicSubscription';

export interface RevealedSubscription {
  subscription: PublicSubscription;
  secret: string | null;
  authorization: string | null;
}

export interface MatchableSubscription {
  id: string;
  format: FormatName;
  events: EventType[] | '*';
  mode: 'all' | 'approved' | null;
  retrySchedule: string[] | null;
}

type Row = Record<string, any>;

const toPublic = (box: SecretBox, row: Row): PublicSubscription => readSubscriptionRow(box, row);

/** Every column of the subscription `s` plus its circuit-breaker pause, for the public view. */
const PUBLIC_SELECT = `SELECT s.*, ${pauseColumns()} FROM %FROM% s ${PAUSE_JOIN}`;
const publicSelect = (from: string) => PUBLIC_SELECT.replace('%FROM%', from);

/** A new signing secret in the format's own shape; null for a format that sends an Authorization value instead. */
export function generateSecretFor(format: FormatName): string | null {
  const { credential } = getFormat(format);
  return credential.kind === 'secret' ? credential.generate() : null;
}

export async function createSubscription(pool: Pool, box: SecretBox, input: SubscriptionFields): Promise<RevealedSubscription> {
  const id = randomToken('sub_', 12);
  const format = getFormat(input.format);
  const secret = format.credential.kind === 'secret' ? input.secret ?? generateSecretFor(input.format) : null;
  const authorization = input.authorization ?? null;
  const { rows } = await pool.query(
    `INSERT INTO subscriptions (id, name, url, format, events, mode, authorization_enc, secrets_enc, retry_schedule, headers_enc, properties, enabled,
                                ordering, collapse, max_per_second, max_in_flight, pause_after_failures)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
    [
      id, input.name, input.url, input.format, JSON.stringify(input.events),
      format.defaultMode === null ? null : input.mode ?? format.defaultMode,
      sealAuthorization(box, authorization),
      secret ? sealSecrets(box, [{ secret, expiresAt: null }]) : null,
      input.retrySchedule ? JSON.stringify(input.retrySchedule) : null,
      sealHeaders(box, input.headers), JSON.stringify(input.properties ?? {}), input.enabled ?? true,
      input.ordering ?? format.defaultOrdering, input.collapse ?? false,
      input.maxPerSecond ?? DEFAULT_LIMITS.maxPerSecond, input.maxInFlight ?? DEFAULT_LIMITS.maxInFlight,
      input.pauseAfterFailures ?? DEFAULT_LIMITS.pauseAfterFailures,
    ],
  );
  return { subscription: toPublic(box, rows[0]), secret, authorization };
}

export async function listSubscriptions(pool: Pool, box: SecretBox): Promise<PublicSubscription[]> {
  const { rows } = await pool.query(`${publicSelect('subscriptions')} WHERE s.deleted_at IS NULL ORDER BY s.created_at, s.id`);
  return rows.map((r) => toPublic(box, r));
}

export async function getSubscription(pool: Pool, box: SecretBox, id: string): Promise<PublicSubscription | null> {
  const { rows } = await pool.query(`${publicSelect('subscriptions')} WHERE s.id = $1 AND s.deleted_at IS NULL`, [id]);
  return rows[0] ? toPublic(box, rows[0]) : null;
}

const PATCH_COLUMNS: Record<keyof SubscriptionPatch, string> = {
  name: 'name',
  url: 'url',
  events: 'events',
  mode: 'mode',
  authorization: 'authorization_enc',
  retrySchedule: 'retry_schedule',
  headers: 'headers_enc',
  properties: 'properties',
  enabled: 'enabled',
  ordering: 'ordering',
  collapse: 'collapse',
  maxPerSecond: 'max_per_second',
  maxInFlight: 'max_in_flight',
  pauseAfterFailures: 'pause_after_failures',
};

const JSON_FIELDS = new Set(['events', 'retrySchedule', 'properties']);

export async function updateSubscription(pool: Pool, box: SecretBox, id: string, patch: SubscriptionPatch): Promise<PublicSubscription | null> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [field, value] of Object.entries(patch) as [keyof SubscriptionPatch, unknown][]) {
    if (value === undefined || !Object.hasOwn(PATCH_COLUMNS, field)) continue;
    let stored: unknown = value;
    if (field === 'authorization') stored = sealAuthorization(box, value as string | null);
    else if (field === 'headers') stored = sealHeaders(box, value as Record<string, string> | null);
    else if (JSON_FIELDS.has(field)) stored = value === null ? null : JSON.stringify(value);
    values.push(stored);
    sets.push(`${PATCH_COLUMNS[field]} = $${values.length}`);
  }
  if (patch.enabled === true) sets.push('disabled_reason = NULL');
  if (patch.authorization !== undefined) sets.push('pending_credential_enc = NULL');
  if (patch.headers !== undefined) sets.push(`headers = '{}'::jsonb`); // a legacy clear copy (migration 008) goes
  const { rows } = await pool.query(
    `WITH updated AS (UPDATE subscriptions SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 AND deleted_at IS NULL RETURNING *)
     ${publicSelect('updated')}`,
    values,
  );
  return rows[0] ? toPublic(box, rows[0]) : null;
}

export async function softDeleteSubscription(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE subscriptions SET deleted_at = now(), enabled = false, disabled_reason = 'deleted', updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/** The tenant's enabled subscriptions, for matching an event posted to it. */
export async function listActiveForMatching(pool: Pool | PoolClient, tenantId: string): Promise<MatchableSubscription[]> {
  const { rows } = await pool.query(
    'SELECT id, format, events, mode, retry_schedule FROM subscriptions WHERE tenant_id = $1 AND enabled AND deleted_at IS NULL ORDER BY id',
    [tenantId],
  );
  return rows.map((r) => ({ id: r.id, format: r.format, events: r.events, mode: r.mode, retrySchedule: r.retry_schedule }));
}

export async function getMatchable(pool: Pool, id: string): Promise<MatchableSubscription | null> {
  const { rows } = await pool.query(
    'SELECT id, format, events, mode, retry_schedule FROM subscriptions WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, format: r.format, events: r.events, mode: r.mode, retrySchedule: r.retry_schedule } : null;
}

export async function disableSubscription(pool: Pool, subscriptionId: string, reason: string): Promise<void> {
  await pool.query(
    `UPDATE subscriptions SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`,
    [subscriptionId, reason],
  );
}
