// The send activity's gate stage: who may go now. Ordering (behind an open delivery of its resource),
// collapse (a superseded update closes unsent), then the subscription's limits and breaker, asked of the
// flow-control port (src/infra/db/flowControl.ts) and read by src/domain/flow/admission.ts. Short rate waits
// are slept here; nothing is sent from this module.
import type { DeliveryContext } from '../src/infra/db/deliveryLog';
import { flowControl, type SlotAnswer } from '../src/infra/db/flowControl';
import { goneSinceHeld } from '../src/infra/db/ordering';
import { admission, INLINE_WAIT_MS, inlineSleepMs } from '../src/domain/flow/admission';
import { waitingForDelivery, type WaitingFor } from '../src/domain/flow/waitingFor';
import type { SendAttemptInput } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export type Loaded = DeliveryContext | Error;

export type Gate =
  | { kind: 'send'; ctx: Loaded }
  | { kind: 'held'; waitingFor: WaitingFor; retryInMs: number | null }
  | { kind: 'superseded'; by: string };

/** A context that can be sent: loaded, subscription active, secrets open (anything else fails or cancels without a request). */
export const sendable = (ctx: Loaded | undefined): ctx is DeliveryContext => !!ctx && !(ctx instanceof Error) && ctx.active && !ctx.openError;

/** The loaded context of a readable delivery, or null (rows gone or unreadable). */
export const readable = (ctx: Loaded | undefined): DeliveryContext | null => (ctx && !(ctx instanceof Error) ? ctx : null);

/** Ordering and collapse, read off the loaded context: no query. */
function chainGate(ctx: Loaded): Gate {
  if (!sendable(ctx)) return { kind: 'send', ctx };
  if (ctx.supersededBy) return { kind: 'superseded', by: ctx.supersededBy };
  if (ctx.ahead) return { kind: 'held', waitingFor: waitingForDelivery(ctx.ahead), retryInMs: null };
  return { kind: 'send', ctx };
}

/**
 * Who may go now: a delivery behind an open one of its resource is held (ordering), a superseded update
 * closes unsent (collapse), then the subscription's limits and breaker decide; short rate waits are slept
 * here, longer ones and a paused subscription hold the delivery.
 */
export async function gate(deps: ActivityDeps, inputs: SendAttemptInput[], contexts: Map<string, Loaded>): Promise<Gate[]> {
  const gates = inputs.map((input) => chainGate(contexts.get(input.deliveryId)!));
  let asking = gates.flatMap((g, i) => (g.kind === 'send' && sendable(g.ctx) ? [i] : []));
  const deadline = Date.now() + INLINE_WAIT_MS;
  const flow = flowControl(deps.pool);
  while (asking.length > 0) {
    const answers = await flow.admit(asking.map((i) => {
      const ctx = contexts.get(inputs[i]!.deliveryId) as DeliveryContext;
      return { subscriptionId: ctx.subscription.id, deliveryId: inputs[i]!.deliveryId, limits: ctx.limits, probe: inputs[i]!.probe === true };
    }));
    const { again, sleepMs } = applySlotAnswers(gates, asking, answers, deadline);
    asking = again;
    if (asking.length > 0) await new Promise((r) => setTimeout(r, sleepMs));
  }
  return gates;
}

/** Holds the paused and the long waits; returns who asks again after the shortest wait. */
function applySlotAnswers(gates: Gate[], asking: number[], answers: SlotAnswer[], deadline: number): { again: number[]; sleepMs: number } {
  const again: number[] = [];
  const waits: number[] = [];
  answers.forEach((answer, k) => {
    const i = asking[k]!;
    const admitted = admission(answer, Date.now(), deadline);
    if (admitted.kind === 'held') gates[i] = admitted;
    else if (admitted.kind === 'again') {
      again.push(i);
      waits.push(admitted.waitMs);
    }
  });
  return { again, sleepMs: again.length > 0 ? inlineSleepMs(waits) : 0 };
}

/**
 * The other half of the wake handshake. A close wakes only a successor already marked `queued` (a signal to a
 * workflow that is not waiting could land while it completes and make it run its last attempts again), so a
 * delivery held here looks once more after its `queued` row is written: what it waited for may have gone in
 * between (the delivery ahead closed, the subscription resumed), and then it goes again at once.
 */
export async function recheckHeld(deps: ActivityDeps, gates: Gate[], contexts: Map<string, Loaded>, inputs: SendAttemptInput[]): Promise<void> {
  const ahead: string[] = [];
  const behind: number[] = [];
  const paused: number[] = [];
  gates.forEach((g, i) => {
    if (g.kind !== 'held') return;
    if (g.waitingFor.kind === 'delivery') {
      behind.push(i);
      ahead.push(g.waitingFor.deliveryId);
    } else if (g.waitingFor.kind === 'pause') paused.push(i);
  });
  if (behind.length === 0 && paused.length === 0) return;
  const subs = paused.map((i) => (contexts.get(inputs[i]!.deliveryId) as DeliveryContext).subscription.id);
  const { closed, resumed } = await goneSinceHeld(deps.pool, ahead, subs);
  const goNow = (i: number) => void (gates[i] = { ...(gates[i] as Extract<Gate, { kind: 'held' }>), retryInMs: 0 });
  behind.forEach((i, k) => closed.has(ahead[k]!) && goNow(i));
  paused.forEach((i, k) => resumed.has(subs[k]!) && goNow(i));
}
