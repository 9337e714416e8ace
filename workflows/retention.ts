// The `retention` workflow the `hrhooks-retention` Temporal Schedule starts: one local activity doing one
// retention run (src/app/retention/run.ts), retried a bounded number of times; its result is counts only.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities';

const { runRetention } = proxyLocalActivities<DeliveryActivities>({
  startToCloseTimeout: '30 minutes',
  localRetryThreshold: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function retention(): Promise<Awaited<ReturnType<DeliveryActivities['runRetention']>>> {
  return runRetention();
}
