// Routes the event workflow's signals and query to the delivery each one addresses (by delivery id).
// Deterministic: no I/O here.
import { log, setHandler } from '@temporalio/workflow';
import type { DeliveryRun } from './deliveryRun';
import { cancelSignal, markProcessedSignal, resyncSignal, stateQuery, wakeSignal, type EventState } from './definitions';

export function answerSignals(state: EventState, runs: ReadonlyMap<string, DeliveryRun>): void {
  const addressed = (deliveryId: string): DeliveryRun | undefined => {
    const run = runs.get(deliveryId);
    if (!run) log.warn('signal for a delivery this event does not have', { deliveryId });
    return run;
  };
  setHandler(stateQuery, () => state);
  setHandler(resyncSignal, (req) => addressed(req.deliveryId)?.requestResync(req));
  setHandler(wakeSignal, (req) => runs.get(req.deliveryId)?.wake(!!req.probe));
  setHandler(markProcessedSignal, (req) =>
    addressed(req.deliveryId)?.requestClose({ kind: 'markProcessed', by: req.by, note: req.note }, (pending) => void (pending.process ??= req)),
  );
  setHandler(cancelSignal, (req) =>
    addressed(req.deliveryId)?.requestClose({ kind: 'cancel', by: req.by, note: req.reason }, (pending) => void (pending.cancel ??= req)),
  );
}
