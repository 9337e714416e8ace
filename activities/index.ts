// The activities the hrhooks worker registers, bound to their dependencies.
// Workflows import only the type DeliveryActivities.
import { mirrorStatus, sendAttempts, type ActivityDeps } from './send';
import type { SendAttemptInput, StatusChange } from '../workflows/definitions';

export function createActivities(deps: ActivityDeps) {
  return {
    sendAttempts: (inputs: SendAttemptInput[]) => sendAttempts(deps, inputs),
    mirrorStatus: (change: StatusChange) => mirrorStatus(deps, change),
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
