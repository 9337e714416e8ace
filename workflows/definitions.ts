// The event workflow's public surface: its input, state, signals and query.
// Types and pure definitions only, safe to import from workflows and clients alike.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const EVENT_WORKFLOW = 'event';
export const TASK_QUEUE = 'hrhooks';

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'retrying' | 'failed' | 'processed' | 'cancelled';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending', 'delivering', 'delivered', 'retrying', 'failed', 'processed', 'cancelled',
];
/** Statuses after which a delivery never sends again. */
export const CLOSED_STATUSES: readonly DeliveryStatus[] = ['delivered', 'processed', 'cancelled'];

/**
 * `failed`: the attempt failed and no retry follows (ladder exhausted, or retrying cannot help).
 * `cancelled`: not sent, the subscription is disabled or deleted. `aborted`: cut off by an operator action.
 */
export type AttemptOutcome = 'success' | 'retry' | 'failed' | 'gone' | 'cancelled' | 'aborted';

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

/** Operator requests received but not acted on yet (carried across continue-as-new). */
export interface PendingRequests {
  resync: boolean;
  process: MarkProcessedRequest | null;
  cancel: CancelRequest | null;
}

export interface DeliveryState {
  deliveryId: string;
  subscriptionId: string;
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
  pending: PendingRequests;
}

/** One delivery the event workflow makes: a subscription and its ladder. */
export interface DeliverySpec {
  deliveryId: string;
  subscriptionId: string;
  ladderMs: number[];
}

export interface EventInput {
  eventId: string;
  eventType: string;
  deliveries: DeliverySpec[];
  /**
   * Keep the Hrhooks* search attributes up to date (default true). Only the
   * time-skipping test server, which cannot register custom attributes, turns it off.
   */
  searchAttributes?: boolean;
  /** History length past which the workflow continues as new (tests lower it). */
  historyLimit?: number;
  /** Set when continuing as new. */
  carried?: EventState;
}

export interface EventState {
  eventId: string;
  eventType: string;
  deliveries: DeliveryState[];
  runs: number;
}

export interface ResyncRequest { deliveryId: string; by: string; note?: string | null }
export interface MarkProcessedRequest { deliveryId: string; by: string; note: string }
export interface CancelRequest { deliveryId: string; by: string; reason: string }

export const resyncSignal = defineSignal<[ResyncRequest]>('resync');
export const markProcessedSignal = defineSignal<[MarkProcessedRequest]>('markProcessed');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const stateQuery = defineQuery<EventState>('state');

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

/** A status the workflow decided on its own (operator close, an attempt that could not run), mirrored in Postgres. */
export interface StatusChange {
  deliveryId: string;
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  action?: OperatorAction;
  /** An attempt the activity could not record itself (it never returned). */
  attempt?: { number: number; at: string; error: string; outcome: AttemptOutcome };
}
