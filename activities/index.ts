// The activities the hrhooks worker registers, bound to their dependencies.
// Workflows import only the type DeliveryActivities.
import { recordStatusChange, sendAttempt, type ActivityDeps } from './send';
import type { SendAttemptInput, StatusChange } from '../workflows/definitions';

export function createActivities(deps: ActivityDeps) {
  return {
    sendAttempt: (input: SendAttemptInput) => sendAttempt(deps, input),
    recordStatus: (change: StatusChange) => recordStatusChange(deps, change),
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
