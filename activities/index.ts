// The activities the hrhooks worker registers, bound to their dependencies.
// Workflows import only the type DeliveryActivities.
import { breakerDisable, breakerProbe, breakerRelease, notifyAdmin } from './breaker';
import type { ActivityDeps } from './deps';
import { mirrorStatus } from './record';
import { runRetention } from './retention';
import { sendAttempts } from './send';
import type { AdminNotice } from '../workflows/breakerDefinitions';
import type { SendAttemptInput, StatusChange } from '../workflows/definitions';

export function createActivities(deps: ActivityDeps) {
  return {
    sendAttempts: (inputs: SendAttemptInput[]) => sendAttempts(deps, inputs),
    mirrorStatus: (change: StatusChange) => mirrorStatus(deps, change),
    breakerProbe: (subscriptionId: string) => breakerProbe(deps, subscriptionId),
    breakerRelease: (subscriptionId: string) => breakerRelease(deps, subscriptionId),
    breakerDisable: (subscriptionId: string, reason: string) => breakerDisable(deps, subscriptionId, reason),
    notifyAdmin: (notice: AdminNotice) => notifyAdmin(deps, notice),
    runRetention: () => runRetention(deps),
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
