// The event workflow's public surface: its input, state, signals and query.
// Types and pure definitions only, safe to import from workflows and clients alike; a delivery's statuses
// and the rules between them live in src/domain/delivery.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AttemptOutcome, DeliveryStatus, ResultOutcome } from '../src/domain/delivery/status';

export const EVENT_WORKFLOW = 'event';
export const TASK_QUEUE = 'hrhooks';

export { CLOSED_STATUSES, DELIVERY_STATUSES, type AttemptOutcome, type DeliveryStatus } from '../src/domain/delivery/status';

/**
 * What a queued delivery waits for is a WaitingFor (src/domain/flow/waitingFor.ts); the state and the activity's
 * result carry its stored form (formatWaitingFor: the delivery ahead's id, 'subscription paused' or 'rate limit'),
 * a string as recorded histories hold it. Read it with parseWaitingFor.
 */
export type { WaitingFor } from '../src/domain/flow/waitingFor';

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
  /** While queued: what it waits for, in its stored form (formatWaitingFor). */
  waitingFor?: string | null;
  /** Checks made while queued (the fallback re-check backs off with it). */
  heldChecks?: number;
  /** A wake-up received (the delivery ahead closed, the subscription resumed, or a probe is asked for). */
  wake?: { probe: boolean } | null;
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

/** Wakes a queued delivery: the one ahead of it closed, its subscription resumed, or the breaker wants a probe. */
export interface WakeRequest { deliveryId: string; probe?: boolean }
export const wakeSignal = defineSignal<[WakeRequest]>('wake');

/** A queued delivery another one must wake when it closes: its id and its event workflow. */
export interface WakeTarget { deliveryId: string; workflowId: string }

/** What the send activity is asked to do: one attempt, no secrets. */
export interface SendAttemptInput {
  deliveryId: string;
  attempt: number;
  /** Ladder delay after this attempt if it fails; null when the ladder is exhausted. */
  ladderDelayMs: number | null;
  /** The operator action (a resync) that triggered this attempt, to mirror in Postgres. */
  action?: OperatorAction;
  /** The circuit breaker asked for this attempt as its probe: it goes out although the subscription is paused. */
  probe?: boolean;
}

/** What the send activity returns: small, no secrets, no bodies. */
export interface SendAttemptResult {
  /** `held`: nothing was sent and no attempt counted (see `held`); `superseded`: closed unsent (collapse). */
  outcome: ResultOutcome;
  /** `waitingFor` in its stored form (formatWaitingFor), as recorded histories hold it. */
  held?: { waitingFor: string; retryInMs: number | null };
  /** Deliveries queued behind this one that its close lets go (the workflow wakes them). */
  wake?: WakeTarget[];
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
