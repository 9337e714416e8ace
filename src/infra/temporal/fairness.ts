// Fairness between tenants on the shared task queue: the fairness key an event workflow is started with
// (its tenant), and the server dynamic config that makes Temporal's matching service honour it (dev server
// flags, the real server's dynamic config file). HRHOOKS_FAIRNESS=off leaves both out: one FIFO queue.
import type { Priority } from '@temporalio/common';

/** `matching.enableFairness` (Temporal server v1.32; implies `matching.useNewMatcher`), as dynamic config values. */
export const FAIRNESS_SETTING = 'matching.enableFairness';

/** The workflow start's priority: the tenant is its fairness key (ids are at most 64 ASCII bytes, Temporal's limit). */
export function fairnessPriority(tenantId: string): Priority {
  return { fairnessKey: tenantId };
}

/** `--dynamic-config-value` pairs for `temporal server start-dev`. */
export function devServerFairnessValues(on: boolean): string[] {
  return [`${FAIRNESS_SETTING}=${on}`];
}

/** Entries of the real server's dynamic config file (global: every namespace and task queue). */
export function fairnessDynamicConfig(on: boolean): Record<string, Array<{ value: boolean }>> {
  return { [FAIRNESS_SETTING]: [{ value: on }] };
}
