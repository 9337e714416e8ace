// `hrhooks data encrypt-existing` (issue 23): seals the personal data of rows stored in clear before data keys
// existed — event bodies (and their employee_id), subject names (and their blind index), attempt bodies — under
// each employee's data key, in batches, every tenant. Rows already sealed, and erasure markers, are left alone;
// running it again finds nothing. Decides whose data a row is as ingest does (dataSubject.ts).
import type { Pool } from 'pg';
import { employeeOf, employeeOfRow } from '../../domain/events/dataSubject';
import { subjectOf } from '../../domain/events/subject';
import type { DeliverableEventType } from '../../domain/events/eventTypes';
import { dataKeysConfigured, nameIndexOf, sealerFor } from '../../infra/db/employeeKeys';
import { clearAttempts, clearEvents, clearNames, sealAttempt, sealEvent, sealName } from '../../infra/db/sealExisting';

export interface SealedCounts {
  events: number;
  deliveries: number;
  attempts: number;
}

/** Thrown when this process has no payload key: it could seal nothing anyone could open. */
export class DataKeysMissing extends Error {
  override readonly name = 'DataKeysMissing';
}

/** Batches until one finds nothing, or seals nothing it found (rows changed meanwhile: bounded, never a spin). */
async function inBatches<R>(find: () => Promise<R[]>, sealOne: (row: R) => Promise<number>): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await find();
    let sealed = 0;
    for (const row of rows) sealed += await sealOne(row);
    done += sealed;
    if (rows.length === 0 || sealed === 0) return done;
  }
}

const dataOf = (text: string): unknown => {
  try {
    return (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    return undefined;
  }
};

function sealEvents(pool: Pool, batch: number): Promise<number> {
  return inBatches(() => clearEvents(pool, batch), async (r) => {
    const employeeId = employeeOf(subjectOf(r.type as DeliverableEventType, dataOf(r.body)));
    const seal = await sealerFor(pool, r.tenantId, employeeId);
    return sealEvent(pool, r, JSON.stringify(seal(r.body)), employeeId);
  });
}

function sealNames(pool: Pool, batch: number): Promise<number> {
  return inBatches(() => clearNames(pool, batch), async (r) => {
    const seal = await sealerFor(pool, r.tenant_id, employeeOfRow(r));
    return sealName(pool, r.id, r.subject_name, seal(r.subject_name), nameIndexOf(r.tenant_id, r.subject_name));
  });
}

function sealAttempts(pool: Pool, batch: number): Promise<number> {
  return inBatches(() => clearAttempts(pool, batch), async (r) => {
    const seal = await sealerFor(pool, r.tenant_id, employeeOfRow(r));
    const sealed = (v: string | null) => (v === null || v === '' || v.startsWith('hrk1:') || v === 'erased' ? v : seal(v));
    return sealAttempt(pool, r, sealed(r.request_body)!, sealed(r.response_body));
  });
}

/** Seals every clear row of every tenant; returns how many rows of each kind it sealed. */
export async function sealExisting(pool: Pool, batch = 500): Promise<SealedCounts> {
  if (!dataKeysConfigured()) throw new DataKeysMissing('HRHOOKS_PAYLOAD_KEY is not set and the data dir holds no payload.key: nothing can be sealed');
  return { events: await sealEvents(pool, batch), deliveries: await sealNames(pool, batch), attempts: await sealAttempts(pool, batch) };
}
