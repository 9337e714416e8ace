// The `delivery` workflow: one (event, subscription) pair, attempted on its retry
// ladder with durable timers that operator signals can interrupt. Deterministic:
// no I/O here, everything outside goes through activities.
import {
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import {
  cancelSignal,
  markProcessedSignal,
  resyncSignal,
  stateQuery,
  type CancelRequest,
  type DeliveryInput,
  type DeliveryState,
  type DeliveryStatus,
  type MarkProcessedRequest,
  type OperatorAction,
  type SendAttemptResult,
} from './definitions';
import { attemptsKey, nextAttemptKey, statusKey } from './searchAttributes';

const RECENT_ATTEMPTS = 20;
const RECENT_ACTIONS = 50;
const DEFAULT_HISTORY_LIMIT = 2_000;

const { sendAttempt } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const { recordStatus } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function initialState(input: DeliveryInput): DeliveryState {
  return {
    deliveryId: input.deliveryId,
    status: 'pending',
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: null,
    ladderMs: input.ladderMs,
    ladderPosition: 0,
    actions: [],
    lastError: null,
    runs: 1,
  };
}

export async function delivery(input: DeliveryInput): Promise<DeliveryState> {
  const state: DeliveryState = input.carried ? { ...input.carried, runs: input.carried.runs + 1 } : initialState(input);
  let resyncRequested = false;
  let processRequest: MarkProcessedRequest | null = null;
  let cancelRequest: CancelRequest | null = null;

  const remember = (action: Omit<OperatorAction, 'at'>) => {
    state.actions = [...state.actions, { ...action, at: new Date().toISOString() }].slice(-RECENT_ACTIONS);
  };
  setHandler(stateQuery, () => state);
  setHandler(resyncSignal, (req) => {
    remember({ kind: 'resync', by: req.by, note: req.note ?? null });
    resyncRequested = true;
  });
  setHandler(markProcessedSignal, (req) => {
    remember({ kind: 'markProcessed', by: req.by, note: req.note });
    processRequest ??= req;
  });
  setHandler(cancelSignal, (req) => {
    remember({ kind: 'cancel', by: req.by, note: req.reason });
    cancelRequest ??= req;
  });

  const publish = (status: DeliveryStatus, nextAttemptAt: string | null) => {
    state.status = status;
    state.nextAttemptAt = nextAttemptAt;
    if (input.searchAttributes === false) return;
    upsertSearchAttributes([
      { key: statusKey, value: status },
      { key: attemptsKey, value: state.attemptCount },
      { key: nextAttemptKey, value: nextAttemptAt ? new Date(nextAttemptAt) : null },
    ]);
  };
  const close = async (status: 'processed' | 'cancelled'): Promise<DeliveryState> => {
    publish(status, null);
    const action = state.actions.filter((a) => a.kind === (status === 'processed' ? 'markProcessed' : 'cancel')).at(-1);
    await recordStatus({ deliveryId: state.deliveryId, status, nextAttemptAt: null, action });
    return state;
  };
  const attempt = async (action?: OperatorAction): Promise<SendAttemptResult> => {
    state.attemptCount += 1;
    publish('delivering', null);
    const at = new Date().toISOString();
    const result = await sendAttempt({
      deliveryId: state.deliveryId,
      attempt: state.attemptCount,
      ladderDelayMs: state.ladderMs[state.ladderPosition] ?? null,
      action,
    });
    state.attempts = [
      ...state.attempts,
      { number: state.attemptCount, at, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error, outcome: result.outcome },
    ].slice(-RECENT_ATTEMPTS);
    state.lastError = result.outcome === 'success' ? null : result.error ?? (result.statusCode ? `HTTP ${result.statusCode}` : null);
    return result;
  };

  let attemptDue = state.status === 'pending' || state.status === 'delivering';
  for (;;) {
    if (processRequest) return close('processed');
    if (cancelRequest) return close('cancelled');
    if (attemptDue || resyncRequested) {
      const trigger = resyncRequested ? state.actions.filter((a) => a.kind === 'resync').at(-1) : undefined;
      if (resyncRequested && state.status === 'failed') state.ladderPosition = 0;
      resyncRequested = false;
      attemptDue = false;
      const result = await attempt(trigger);
      if (result.outcome === 'success') {
        publish('delivered', null);
        return state;
      }
      if (result.outcome === 'cancelled') {
        publish('cancelled', null);
        return state;
      }
      if (result.outcome === 'retry' && result.nextDelayMs !== null) {
        state.ladderPosition += 1;
        publish('retrying', new Date(Date.now() + result.nextDelayMs).toISOString());
      } else {
        publish('failed', null);
      }
      continue;
    }
    if (workflowInfo().historyLength > (input.historyLimit ?? DEFAULT_HISTORY_LIMIT)) {
      await continueAsNew<typeof delivery>({ ...input, carried: state });
    }
    if (state.status === 'retrying' && state.nextAttemptAt) {
      const waitMs = Math.max(0, Date.parse(state.nextAttemptAt) - Date.now());
      const interrupted = await condition(() => resyncRequested || !!processRequest || !!cancelRequest, waitMs);
      if (!interrupted) attemptDue = true;
    } else {
      await condition(() => resyncRequested || !!processRequest || !!cancelRequest);
    }
  }
}
