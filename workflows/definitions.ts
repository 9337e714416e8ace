// The delivery workflow's public surface: its input, state, signals and query.
// Types and pure definitions only, safe to import from workflows and clients alike.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const DELIVERY_WORKFLOW = 'delivery';
export const TASK_QUEUE = 'hrhooks';

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'retrying' | 'failed' | 'processed' | 'cancelled';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending', 'delivering', 'delivered', 'retrying', 'failed', 'processed', 'cancelled',
];

export type AttemptOutcome = 'success' | 'retry' | 'gone' | 'cancelled';

export interface AttemptSummary {
  number: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  outcome: AttemptOutcome;
}

export interface OperatorAction {
  kind: 'resync' | 'markProcessed' | 'cancel';
  by: string;
  note: string | null;
  at: string;
}

export interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** The most recent attempts (older ones live in Postgres). */
  attempts: AttemptSummary[];
  nextAttemptAt: string | null;
  ladderMs: number[];
  /** Index in ladderMs of the delay that follows the next failed attempt. */
  ladderPosition: number;
  actions: OperatorAction[];
  lastError: string | null;
  runs: number;
}

export interface DeliveryInput {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  eventType: string;
  ladderMs: number[];
  /**
   * Keep the Hrhooks* search attributes up to date (default true). Only the
   * time-skipping test server, which cannot register custom attributes, turns it off.
   */
  searchAttributes?: boolean;
  /** History length past which the workflow continues as new (tests lower it). */
  historyLimit?: number;
  /** Set when continuing as new. */
  carried?: DeliveryState;
}

export interface ResyncRequest { by: string; note?: string | null }
export interface MarkProcessedRequest { by: string; note: string }
export interface CancelRequest { by: string; reason: string }

export const resyncSignal = defineSignal<[ResyncRequest]>('resync');
export const markProcessedSignal = defineSignal<[MarkProcessedRequest]>('markProcessed');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const stateQuery = defineQuery<DeliveryState>('state');

/** What the send activity is asked to do: one attempt, no secrets. */
export interface SendAttemptInput {
  deliveryId: string;
  attempt: number;
  /** Ladder delay after this attempt if it fails; null when the ladder is exhausted. */
  ladderDelayMs: number | null;
  /** The operator action (a resync) that triggered this attempt, to mirror in Postgres. */
  action?: OperatorAction;
}

/** What the send activity returns: small, no secrets, no bodies. */
export interface SendAttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  at: string;
  /** Delay before the next attempt (ladder, stretched by Retry-After); null when none is due. */
  nextDelayMs: number | null;
}

export interface StatusChange {
  deliveryId: string;
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  action?: OperatorAction;
}
