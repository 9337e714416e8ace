// What the delivery activities read in Postgres: the context of one
// attempt (event + subscription, secrets opened); what they write is deliveryStatus.ts.
// Never logs or returns secrets.
import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secretBox';
import type { HrEvent } from '../../domain/events/schema';
import type { SubscriptionView } from '../../domain/formats/format';
import { formatNames, getFormat, type FormatName } from '../../domain/formats/registry';
import { chainColumns } from './ordering';
import { DEFAULT_LIMITS } from '../../domain/flow/limits';
import { SecretDecryptError } from '../crypto/secretBox';
import { effectiveCredentials, type SealedCredentials } from '../crypto/secretStore';
import { openSendableHeaders } from '../crypto/headerStore';
import { openEventBodies } from './events';
import { sealerLike } from './employeeKeys';
import { employeeOfRow } from '../../domain/events/dataSubject';

export interface DeliveryContext {
  deliveryId: string;
  event: HrEvent;
  url: string;
  subscription: SubscriptionView;
  active: boolean;
  /** Why the subscription's secrets could not be opened (the attempt fails with it); null when they were. */
  openError: string | null;
  /** The nearest open delivery ahead of this one in its chain (ordering), or null. */
  ahead: string | null;
  /** The later update that makes this queued `*.updated` pointless to send (collapse), or null. */
  supersededBy: string | null;
  limits: { maxPerSecond: number; maxInFlight: number; pauseAfterFailures: number };
  /** Deliveries of its resource may wait for it (ordered subscription, resource known): its close wakes the next. */
  ordered: boolean;
  /** The breaker's count as the attempt starts: a success need not reset a count that is already 0. */
  breaker: { consecutiveFailures: number; paused: boolean };
  /** Seals the attempt's request and response bodies under the event's data key (issue 23). */
  seal: (plain: string) => string;
}

/** The delivery, its event or its subscription row is gone: no attempt can ever be built. */
export class DeliveryNotFound extends Error {
  override readonly name = 'DeliveryNotFound';
}

function opened<T>(open: () => T, empty: T): { value: T; error: string | null } {
  try {
    return { value: open(), error: null };
  } catch (err) {
    if (err instanceof SecretDecryptError) return { value: empty, error: err.message };
    throw err;
  }
}

const chain = chainColumns('$2::text[]');
const CONTEXT_COLUMNS = `d.id AS delivery_id, e.body AS event, d.tenant_id AS data_tenant, d.subject_id, d.resource_key, s.id, s.url, s.format, s.events, s.mode, s.authorization_enc,
            s.secrets_enc, s.pending_credential_enc, s.headers_enc, s.headers, s.properties, s.enabled, s.deleted_at, s.max_per_second, s.max_in_flight,
            s.pause_after_failures, s.ordering = 'resource' AND d.resource_key IS NOT NULL AND d.seq IS NOT NULL AS ordered,
            fc.consecutive_failures, fc.paused_at, ${chain.columns}
       FROM deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id
       LEFT JOIN flow_control fc ON fc.subscription_id = s.id ${chain.joins}`;

/** The event as stored, opened with its employee's data key; an erased one cannot be sent. */
class EventErased extends Error {
  override readonly name = 'EventErased';
}

function toContext(box: SecretBox, row: Record<string, any>, now: Date): DeliveryContext {
  if (row.event?.erased !== undefined) throw new EventErased(`delivery ${row.delivery_id}: its event's personal data was erased`);
  const headers = opened(() => openSendableHeaders(box, row.headers_enc, row.headers), {} as Record<string, string>);
  const credentials = opened(() => effectiveCredentials(box, row as SealedCredentials, now), { secrets: [] as string[], authorization: null as string | null });
  return {
    deliveryId: row.delivery_id,
    event: row.event as HrEvent,
    url: row.url,
    active: row.enabled && row.deleted_at === null,
    openError: credentials.error ?? headers.error,
    ahead: row.ahead_id ?? null,
    supersededBy: row.superseded_by ?? null,
    limits: {
      maxPerSecond: Number(row.max_per_second ?? DEFAULT_LIMITS.maxPerSecond),
      maxInFlight: Number(row.max_in_flight ?? DEFAULT_LIMITS.maxInFlight),
      pauseAfterFailures: Number(row.pause_after_failures ?? DEFAULT_LIMITS.pauseAfterFailures),
    },
    ordered: row.ordered === true,
    breaker: { consecutiveFailures: Number(row.consecutive_failures ?? 0), paused: row.paused_at != null },
    seal: row.seal,
    subscription: {
      id: row.id,
      format: row.format as FormatName,
      events: row.events,
      mode: row.mode,
      authorization: credentials.value.authorization,
      secrets: credentials.value.secrets,
      headers: headers.value,
      properties: row.properties ?? {},
    },
  };
}

/**
 * The contexts of several deliveries (one event's, attempted together) in one query; a delivery whose
 * rows are gone maps to DeliveryNotFound, one whose row cannot be read (bad JSON) to that error.
 */
export async function loadDeliveryContexts(
  pool: Pool,
  box: SecretBox,
  deliveryIds: string[],
  now: Date,
): Promise<Map<string, DeliveryContext | Error>> {
  const collapsible = formatNames().filter((f) => getFormat(f).collapsible);
  const { rows } = await pool.query(`SELECT ${CONTEXT_COLUMNS} WHERE d.id = ANY($1::text[])`, [deliveryIds, collapsible]);
  const events = await openEventBodies(pool, rows.map((r) => r.event));
  for (const [i, row] of rows.entries()) {
    row.seal = await sealerLike(pool, row.event, row.data_tenant, employeeOfRow(row));
    row.event = events[i];
  }
  const found = new Map<string, DeliveryContext | Error>();
  for (const row of rows) {
    try {
      found.set(row.delivery_id, toContext(box, row, now));
    } catch (err) {
      found.set(row.delivery_id, err as Error);
    }
  }
  for (const id of deliveryIds) {
    if (!found.has(id)) found.set(id, new DeliveryNotFound(`delivery ${id}, its event or its subscription is not in Postgres`));
  }
  return found;
}







