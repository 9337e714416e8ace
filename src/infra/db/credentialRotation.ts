// Credential rotation in Postgres: a signing secret with a grace period (overlap formats), or a pending secret /
// Authorization value (single-credential formats) that takes effect at its time or when an admin activates it.
// Only sealed values are written; the new value is returned once, to the caller that rotated.
import type { Pool, PoolClient } from 'pg';
import type { SecretBox } from '../crypto/secretBox';
import type { PublicSubscription } from '../../domain/subscriptions/publicSubscription';
import { readSubscriptionRow } from './subscriptionView';
import {
  authorizationProblem,
  inspectSecrets,
  isDue,
  openPending,
  promoted,
  rotateSecrets,
  sealPending,
  sealSecrets,
  type PendingCredential,
} from '../crypto/secretStore';
import type { RevealedSubscription } from './subscriptions';
import { inTransaction } from './transaction';
import { PAUSE_JOIN, pauseColumns } from './flowControl';

type Row = Record<string, any>;
type Columns = Partial<Record<'secrets_enc' | 'authorization_enc' | 'pending_credential_enc', string | null>>;

async function lockRow(client: PoolClient, id: string): Promise<Row | null> {
  const { rows } = await client.query('SELECT * FROM subscriptions WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [id]);
  return rows[0] ?? null;
}

/** Writes the credential columns; returns the row with its circuit-breaker pause, as the public view shows it. */
async function write(client: PoolClient, id: string, columns: Columns): Promise<Row> {
  const names = Object.keys(columns) as (keyof Columns)[];
  const sets = names.map((c, i) => `${c} = $${i + 2}`);
  const { rows } = await client.query(
    `WITH s AS (UPDATE subscriptions SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *)
     SELECT s.*, ${pauseColumns()} FROM s ${PAUSE_JOIN}`,
    [id, ...names.map((c) => columns[c])],
  );
  return rows[0];
}

/** The stored pending credential; an unreadable one counts as none (a rotation or activation replaces it). */
function pendingOf(box: SecretBox, row: Row): PendingCredential | null {
  try {
    return openPending(box, row.pending_credential_enc ?? null);
  } catch {
    return null;
  }
}

/** The current credential can be sent: without one, there is nothing to keep sending while a new one waits. */
function currentUsable(box: SecretBox, row: Row, kind: PendingCredential['kind'], now: Date): boolean {
  if (kind === 'authorization') return row.authorization_enc != null && authorizationProblem(box, row.authorization_enc) === null;
  const secrets = inspectSecrets(box, row.secrets_enc ?? null, now);
  return secrets.ok && secrets.live > 0;
}

/** Overlap formats: the new secret signs at once, the current one too until the grace period ends. */
export async function rotateWithOverlap(pool: Pool, box: SecretBox, id: string, secret: string, graceMs: number): Promise<RevealedSubscription | null> {
  return inTransaction(pool, async (client) => {
    const row = await lockRow(client, id);
    if (!row) return null;
    const now = new Date();
    const readable = inspectSecrets(box, row.secrets_enc, now).ok;
    const sealed = readable ? rotateSecrets(box, row.secrets_enc, secret, now, graceMs) : sealSecrets(box, [{ secret, expiresAt: null }]);
    const updated = await write(client, id, { secrets_enc: sealed, pending_credential_enc: null });
    return { subscription: readSubscriptionRow(box, updated), secret, authorization: null };
  });
}

/**
 * Single-credential formats: the new value is kept pending and the current one is still sent until `activateAt`
 * (null: until activated). It takes effect at once when that time has passed, or when no usable current value exists.
 * A pending value already due is settled first; a pending one not yet due is replaced.
 */
export async function rotateToPending(pool: Pool, box: SecretBox, id: string, pending: PendingCredential): Promise<RevealedSubscription | null> {
  return inTransaction(pool, async (client) => {
    const row = await lockRow(client, id);
    if (!row) return null;
    const now = new Date();
    const before = pendingOf(box, row);
    const settled: Columns = before && isDue(before, now) ? promoted(box, before) : {};
    const current = { ...row, ...settled };
    const immediate = isDue(pending, now) || !currentUsable(box, current, pending.kind, now);
    const columns: Columns = immediate
      ? { ...promoted(box, pending), pending_credential_enc: null }
      : { ...settled, pending_credential_enc: sealPending(box, pending) };
    const updated = await write(client, id, columns);
    const revealed = pending.kind === 'secret' ? { secret: pending.value, authorization: null } : { secret: null, authorization: pending.value };
    return { subscription: readSubscriptionRow(box, updated), ...revealed };
  });
}

export type ActivateResult = { ok: true; subscription: PublicSubscription } | { ok: false; reason: 'not_found' | 'no_pending' };

/** The pending credential takes effect now and the previous one is dropped (the receiver confirmed it has the new one). */
export async function activatePending(pool: Pool, box: SecretBox, id: string): Promise<ActivateResult> {
  return inTransaction(pool, async (client) => {
    const row = await lockRow(client, id);
    if (!row) return { ok: false, reason: 'not_found' } as const;
    const pending = pendingOf(box, row);
    if (!pending) return { ok: false, reason: 'no_pending' } as const;
    const updated = await write(client, id, { ...promoted(box, pending), pending_credential_enc: null });
    return { ok: true, subscription: readSubscriptionRow(box, updated) } as const;
  });
}
