// The `event` workflow: one accepted event, fanned out to every matching subscription. Orchestration only:
// each delivery lives its own life (deliveryRun.ts: a ladder of durable timers, attempts as local activities
// batched per activation by attemptBatcher.ts, operator signals routed by operatorSignals.ts); this function
// starts them, keeps the search attributes and continues as new when the history grows long.
// Deterministic: no I/O here.
import { condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { AttemptBatcher } from './attemptBatcher';
import { DeliveryRun, newDelivery, type EventCrew } from './deliveryRun';
import type { EventInput, EventState } from './definitions';
import { answerSignals } from './operatorSignals';
import { SearchAttributePublisher } from './searchAttributePublisher';

const DEFAULT_HISTORY_LIMIT = 2_000;

export async function event(input: EventInput): Promise<EventState> {
  const state: EventState = input.carried
    ? { ...input.carried, runs: input.carried.runs + 1 }
    : { eventId: input.eventId, eventType: input.eventType, deliveries: input.deliveries.map(newDelivery), runs: 1 };
  const crew: EventCrew = { batcher: new AttemptBatcher(), publisher: new SearchAttributePublisher(input, state), work: { busy: 0 } };
  const runs = state.deliveries.map((d) => new DeliveryRun(d, crew));
  answerSignals(state, new Map(runs.map((run) => [run.d.deliveryId, run])));

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const all = Promise.all(runs.filter((run) => !run.closed).map((run) => run.run())).then(() => 'done' as const);
  const tooLong = condition(() => crew.work.busy === 0 && workflowInfo().historyLength > historyLimit).then(() => 'continue' as const);
  const ending = await Promise.race([all, tooLong]);
  crew.publisher.flush();
  if (ending === 'continue') {
    await continueAsNew<typeof event>({ ...input, deliveries: [], carried: state });
  }
  return state;
}
