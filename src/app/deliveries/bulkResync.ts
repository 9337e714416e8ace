// Bulk resync (API POST /v1/deliveries/resync, `hrhooks resync --failed`, the to-do list's "re-sync all
// failed" of a subscription): signals resync to every failed delivery, optionally of one subscription and
// created since a time; bounded (64 signals in flight) and every outcome reported in the order listed.
import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import { failedDeliveryIds } from '../../infra/db/deliveries';
import { resync } from '../../infra/temporal/deliveryClient';

/** Signals in flight during a bulk resync (measured: 16 at a time needed 60 s for 10,000, longer than the HTTP request). */
const BULK_SIGNAL_CONCURRENCY = 64;

export interface BulkResyncResult {
  matched: number;
  signalled: number;
  notFound: string[];
  failed: string[];
}

export async function resyncFailed(
  client: Client,
  pool: Pool,
  filter: { subscriptionId?: string; since?: string },
  by: string,
  note?: string | null,
): Promise<BulkResyncResult> {
  const ids = await failedDeliveryIds(pool, filter);
  const limit = pLimit(BULK_SIGNAL_CONCURRENCY);
  const outcomes = await Promise.all(
    ids.map((id) => limit(() => resync(client, id, by, note ?? 'bulk resync').catch(() => 'failed' as const))),
  );
  const result: BulkResyncResult = { matched: ids.length, signalled: 0, notFound: [], failed: [] };
  outcomes.forEach((outcome, i) => {
    if (outcome === 'signalled') result.signalled += 1;
    else if (outcome === 'not_found') result.notFound.push(ids[i]!);
    else result.failed.push(ids[i]!);
  });
  return result;
}
