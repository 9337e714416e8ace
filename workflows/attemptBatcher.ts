// Batches the attempts a workflow activation asks for into one `sendAttempts` local activity: one marker
// in history, one Postgres read and one write for the batch. Deterministic: no I/O here.
import { ActivityCancellationType, CancellationScope, proxyLocalActivities } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import type { SendAttemptInput, SendAttemptResult } from './definitions';

// One call attempts every delivery due at the same moment (all of them, at an event's start): one HTTP
// request each (bounded by HRHOOKS_ATTEMPT_TIMEOUT), one Postgres read and one write for the batch.
// A local retry covers a brief Postgres blip; past it the attempts count as failed on their ladders.
const { sendAttempts } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

interface QueuedAttempt {
  input: SendAttemptInput;
  scope: CancellationScope;
  resolve: (result: SendAttemptResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Attempts asked for in the same activation go out together, once the activation's microtasks reach the
 * flush. A batch of one runs in its delivery's cancellation scope; a larger one cannot be cancelled per
 * delivery, so an operator's close reaches its request through the abort channel (the workers' LISTEN),
 * which is the fast path anyway.
 */
export class AttemptBatcher {
  private queued: QueuedAttempt[] = [];

  send(input: SendAttemptInput, scope: CancellationScope): Promise<SendAttemptResult> {
    return new Promise<SendAttemptResult>((resolve, reject) => {
      this.queued.push({ input, scope, resolve, reject });
      if (this.queued.length === 1) void Promise.resolve().then(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    const sent = batch.length === 1
      ? batch[0]!.scope.run(() => sendAttempts([batch[0]!.input]))
      : CancellationScope.nonCancellable(() => sendAttempts(batch.map((q) => q.input)));
    sent.then(
      (results) => batch.forEach((q, i) => q.resolve(results[i]!)),
      (err) => batch.forEach((q) => q.reject(err)),
    );
  }
}
