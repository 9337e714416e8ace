// One delivery as the operator sees it, one read model for GET /v1/deliveries/:id, the delivery page and
// `hrhooks deliveries show`: its row and attempts (Postgres), its event's body, its live state from the
// event workflow (when Temporal answers), what is current (the live state wins over the mirror), and the
// link to its workflow in the Temporal Web UI (null when none runs). Read-only; each interface words it.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { temporalWebUiUrl, type Config } from '../../infra/config';
import { getDelivery, type AttemptView, type DeliverySummary } from '../../infra/db/deliveries';
import { getEventBody } from '../../infra/db/events';
import { queryState, workflowIdOf, type LiveState } from '../../infra/temporal/deliveryClient';
import type { DeliveryStatus, OperatorAction } from '../../../workflows/definitions';

export type { AttemptView, DeliverySummary, LiveState };

export interface DetailDeps {
  pool: Pool;
  /** The Temporal client, or how to get it (the CLI connects lazily; a failure leaves the live state unread). */
  temporal: Client | (() => Promise<Client>);
  namespace: string;
  config: Pick<Config, 'HRHOOKS_TEMPORAL' | 'TEMPORAL_UI_URL' | 'temporalUiUrl'>;
}

export interface DeliveryDetail {
  delivery: DeliverySummary;
  attempts: AttemptView[];
  event: unknown;
  /** Null when Temporal does not know the workflow or could not be asked (liveError says why, then). */
  live: LiveState | null;
  liveError: string | null;
  /** The event workflow the delivery lives in. */
  workflowId: string | null;
  /** That workflow in the Temporal Web UI; null when no Web UI runs (Temporal server mode without TEMPORAL_UI_URL). */
  temporalUrl: string | null;
  current: CurrentState;
}

/** What is true now: the workflow's live state where it answered, else the Postgres mirror. */
export interface CurrentState {
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  actions: OperatorAction[];
  /** The attempt the workflow has started but whose record is not written yet; null when none. */
  attemptUnderWay: number | null;
}

function currentOf(d: DeliverySummary, recorded: number, live: LiveState | null): CurrentState {
  const state = live?.state;
  const started = state?.attemptCount;
  return {
    status: state?.status ?? d.status,
    nextAttemptAt: state ? state.nextAttemptAt : d.nextAttemptAt,
    actions: d.actions.length ? d.actions : state?.actions ?? [],
    attemptUnderWay: started !== undefined && started > recorded ? started : null,
  };
}

/** The workflow's page in the Temporal Web UI, or null when there is no Web UI. */
export function temporalUrlOf(deps: Pick<DetailDeps, 'namespace' | 'config'>, deliveryId: string): string | null {
  const webUi = temporalWebUiUrl(deps.config);
  const workflowId = workflowIdOf(deliveryId) ?? deliveryId;
  return webUi ? `${webUi}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}

async function liveOf(deps: DetailDeps, id: string): Promise<{ live: LiveState | null; liveError: string | null }> {
  try {
    const client = typeof deps.temporal === 'function' ? await deps.temporal() : deps.temporal;
    return { live: await queryState(client, id), liveError: null };
  } catch (err) {
    return { live: null, liveError: (err as Error).message.split('\n')[0]! };
  }
}

/** Null when there is no such delivery. */
export async function deliveryDetail(deps: DetailDeps, id: string): Promise<DeliveryDetail | null> {
  const found = await getDelivery(deps.pool, id);
  if (!found) return null;
  const { delivery, attempts } = found;
  const [event, { live, liveError }] = await Promise.all([getEventBody(deps.pool, delivery.tenantId, delivery.eventId), liveOf(deps, delivery.id)]);
  return {
    delivery, attempts, event, live, liveError,
    workflowId: workflowIdOf(delivery.id),
    temporalUrl: temporalUrlOf(deps, delivery.id),
    current: currentOf(delivery, attempts.length, live),
  };
}
