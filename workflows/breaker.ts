// The `breaker` workflow: one per paused subscription (id brk_<subscription>). While the subscription is
// paused no delivery attempts anything; this workflow asks for one probe attempt at a time on a backing-off
// schedule of durable timers, ends when a probe succeeds (or an operator resumes it) by waking every
// delivery held back, and disables the subscription when it stays paused too long. Each step is told to
// the admin webhook. Deterministic: no I/O here; the schedule's arithmetic is src/domain/flow/breaker.ts.
import { condition, log, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';
import { DEFAULT_DISABLE_AFTER_MS, DEFAULT_PROBE_SCHEDULE_MS, pausedTooLong, probeWaitMs, spanText } from '../src/domain/flow/breaker';
import { resumedSignal, type AdminNotice, type BreakerEnd, type BreakerInput } from './breakerDefinitions';

export { DEFAULT_DISABLE_AFTER_MS, DEFAULT_PROBE_SCHEDULE_MS, spanText };

const { breakerProbe, breakerRelease, breakerDisable } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

const { notifyAdmin } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

export async function breaker(input: BreakerInput): Promise<BreakerEnd> {
  let resumed = false;
  setHandler(resumedSignal, () => void (resumed = true));
  const schedule = input.probeScheduleMs?.length ? input.probeScheduleMs : DEFAULT_PROBE_SCHEDULE_MS;
  const disableAfterMs = input.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS;
  const pausedSince = new Date().toISOString();
  const pausedAt = Date.now();
  const notice = (type: AdminNotice['type'], reason: string) =>
    notifyAdmin({ type, subscriptionId: input.subscriptionId, at: new Date().toISOString(), pausedSince, reason }).catch((err) =>
      log.error('the admin webhook could not be told', { subscriptionId: input.subscriptionId, type, error: (err as Error).message }));
  await notice('subscription.paused', 'consecutive failed attempts reached the subscription\'s pauseAfterFailures');

  for (let probe = 0; !resumed; probe += 1) {
    const wait = probeWaitMs(schedule, probe, Date.now() - pausedAt, disableAfterMs);
    if (await condition(() => resumed, wait)) break;
    if (pausedTooLong(Date.now() - pausedAt, disableAfterMs)) {
      const reason = `paused by the circuit breaker for ${spanText(disableAfterMs)} without a successful probe`;
      await breakerDisable(input.subscriptionId, reason);
      await notice('subscription.disabled', reason);
      return 'disabled';
    }
    const result = await breakerProbe(input.subscriptionId);
    if (!result.paused) break; // resumed meanwhile (a probe got through, or an operator)
  }
  await breakerRelease(input.subscriptionId);
  await notice('subscription.resumed', 'a probe attempt succeeded');
  return 'resumed';
}
