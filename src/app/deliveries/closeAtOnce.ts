// An operator's close (mark processed, cancel) mirrored in Postgres at once, after its signal is in the
// workflow's history: the row closes now for the API, the UI and the receiver, and the in-flight attempt is
// cut off (NOTIFY to the workers). The workflow closes the delivery too, at its next workflow task, so a
// failure here is logged only: the signal alone still closes the delivery.
import type { Pool } from 'pg';
import { publishAbort } from '../../infra/db/abortChannel';
import type { Logger } from '../../infra/observability/log';
import type { OperatorAction } from '../../../workflows/definitions';
import { closeDelivery } from '../../infra/db/deliveryStatus';

/** Where the close is mirrored; absent when Postgres is out of reach (the CLI signalling Temporal directly). */
export interface Mirror {
  pool: Pool;
  log: Logger;
}

export async function closeAtOnce(mirror: Mirror | undefined, id: string, status: 'processed' | 'cancelled', action: OperatorAction): Promise<void> {
  if (!mirror) return;
  const logged = (what: string) => (err: Error) =>
    mirror.log.warn({ deliveryId: id, err }, `${what}; the workflow signal still closes the delivery`);
  await closeDelivery(mirror.pool, id, status, action).catch(logged('could not close the delivery row at once'));
  await publishAbort(mirror.pool, id).catch(logged('could not publish the abort of its in-flight attempt'));
}
