// The credential rotation use cases shared by the API and the web interface, and their input schemas: rotate a
// signing secret or an Authorization value, each the way its format's receivers can follow (Format.rotation), and
// activate a pending one. Each returns an outcome; callers only turn it into their own words.
import type { Pool } from 'pg';
import { z } from 'zod';
import type { SecretBox } from '../../infra/crypto/secretBox';
import { activatePending, rotateToPending, rotateWithOverlap, type ActivateResult } from '../../infra/db/credentialRotation';
import { generateSecretFor, getSubscription, type RevealedSubscription } from '../../infra/db/subscriptions';
import type { FieldError } from '../../domain/events/schema';
import { rotationOf } from '../../domain/formats/format';
import { getFormat } from '../../domain/formats/registry';
import { inputErrors, subscriptionCreateSchema, subscriptionRules } from './schemas';

const activateAt = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' })
  .describe('single-credential formats (aspnet, lucca): when the new value replaces the current one; a time already past: at once. '
    + 'Absent: the current one is sent until POST /v1/subscriptions/{id}/activate-credential');

export const rotateSecretSchema = z.strictObject({
  secret: z.string().min(16).max(200).optional().describe('the new signing secret (generated when absent)'),
  activateAt: activateAt.optional(),
});
export type RotateSecretInput = z.infer<typeof rotateSecretSchema>;

export const rotateAuthorizationSchema = z.strictObject({
  authorization: subscriptionCreateSchema.shape.authorization.unwrap().describe('the new Authorization value'),
  activateAt: activateAt.optional(),
});
export type RotateAuthorizationInput = z.infer<typeof rotateAuthorizationSchema>;

/** The activation time as stored and shown: one ISO form whatever offset was given; null: until activated. */
const activationTime = (at: string | undefined): string | null => (at === undefined ? null : new Date(at).toISOString());

export type RotateOutcome =
  | { ok: true; rotated: RevealedSubscription }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'unreadable_format'; error: string | null }
  | { ok: false; reason: 'wrong_credential'; format: string; kind: 'secret' | 'authorization' }
  | { ok: false; reason: 'invalid'; errors: FieldError[] };

interface RotateDeps {
  pool: Pool;
  box: SecretBox;
  graceMs: number;
}

/** The subscription and its format, or why the credential `kind` cannot be rotated on it. */
async function rotatable(deps: RotateDeps, id: string, kind: 'secret' | 'authorization') {
  const existing = await getSubscription(deps.pool, deps.box, id);
  if (!existing) return { ok: false, reason: 'not_found' } as const;
  if (existing.format === null) return { ok: false, reason: 'unreadable_format', error: existing.error } as const;
  const format = getFormat(existing.format);
  if (format.credential.kind !== kind) return { ok: false, reason: 'wrong_credential', format: existing.format, kind: format.credential.kind } as const;
  return { ok: true, existing, format } as const;
}

/** A new signing secret: both sign during the grace period (overlap formats), or the new one waits (pending formats). */
export async function rotateSecretChecked(deps: RotateDeps, id: string, raw: unknown = {}): Promise<RotateOutcome> {
  const parsed = rotateSecretSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: inputErrors(parsed.error) };
  const input: RotateSecretInput = parsed.data;
  const found = await rotatable(deps, id, 'secret');
  if (!found.ok) return found;
  const { existing, format } = found;
  const problems = input.secret === undefined ? [] : subscriptionRules(existing.format!, { secret: input.secret });
  if (input.activateAt !== undefined && rotationOf(format) === 'overlap') {
    problems.push({ field: 'activateAt', message: `${format.name} sends both signatures during the grace period: the new secret signs at once, so it takes no activation time` });
  }
  if (problems.length) return { ok: false, reason: 'invalid', errors: problems };
  const secret = input.secret ?? generateSecretFor(existing.format!)!;
  const rotated = rotationOf(format) === 'overlap'
    ? await rotateWithOverlap(deps.pool, deps.box, id, secret, deps.graceMs)
    : await rotateToPending(deps.pool, deps.box, id, { kind: 'secret', value: secret, activateAt: activationTime(input.activateAt) });
  return rotated ? { ok: true, rotated } : { ok: false, reason: 'not_found' };
}

/** A new Authorization value, kept pending: the current one is sent until `activateAt` or until activated. */
export async function rotateAuthorizationChecked(deps: RotateDeps, id: string, raw: unknown): Promise<RotateOutcome> {
  const parsed = rotateAuthorizationSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: inputErrors(parsed.error) };
  const input: RotateAuthorizationInput = parsed.data;
  const found = await rotatable(deps, id, 'authorization');
  if (!found.ok) return found;
  const rotated = await rotateToPending(deps.pool, deps.box, id, { kind: 'authorization', value: input.authorization, activateAt: activationTime(input.activateAt) });
  return rotated ? { ok: true, rotated } : { ok: false, reason: 'not_found' };
}

/** The pending secret or Authorization value takes effect now; the previous one is no longer sent. */
export async function activateCredential(deps: { pool: Pool; box: SecretBox }, id: string): Promise<ActivateResult> {
  return activatePending(deps.pool, deps.box, id);
}

/** A rotation's outcome as a short sentence for people: what is sent from now on. */
export function rotationPhrase(rotated: RevealedSubscription): string {
  const pending = rotated.subscription.pendingCredential;
  const what = rotated.secret ? 'secret' : 'Authorization value';
  if (pending) {
    const until = pending.activateAt ? `until ${pending.activateAt}, when the new one replaces it` : 'until you activate the new one';
    return `The new ${what} is pending: the current one is still sent ${until}.`;
  }
  if (rotated.secret && rotated.subscription.secretCount === 2) return 'Both secrets sign every request until the grace period ends.';
  return `The new ${what} is in use now.`;
}
