// Fairness between tenants on the shared task queue: the fairness key an event workflow is started with
// (its tenant), and the server dynamic config that makes Temporal's matching service honour it (dev server
// flags, the real server's dynamic config file). HRHOOKS_FAIRNESS=off leaves both out: one FIFO queue.
import type { Priority } from '@temporalio/common';

/** `matching.enableFairness` (Temporal server v1.32; implies `matching.useNewMatcher`), as dynamic config values. */
export const FAIRNESS_SETTING = 'matching.enableFairness';

/**
 * Fairness is kept per task-queue partition (4 by default), and a poll is served by one partition: measured on
 * the dev server, 5 events of a small tenant queued behind 300 of a large one came out among the first 10 tasks
 * with one partition, and 2 of them were still queued after 40 with four. One partition carries far more than
 * hrhooks' engine does (bench/README.md); a deployment that needs several for throughput trades some fairness.
 */
const PARTITIONS = { 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 };

/** The workflow start's priority: the tenant is its fairness key (ids are at most 64 ASCII bytes, Temporal's limit). */
export function fairnessPriority(tenantId: string): Priority {
  return { fairnessKey: tenantId };
}

/** `--dynamic-config-value` pairs for `temporal server start-dev`. */
export function devServerFairnessValues(on: boolean): string[] {
  const values = Object.entries(on ? PARTITIONS : {}).map(([key, value]) => `${key}=${value}`);
  return [`${FAIRNESS_SETTING}=${on}`, ...values];
}

/** Entries of the real server's dynamic config file (global: every namespace and task queue). */
export function fairnessDynamicConfig(on: boolean): Record<string, Array<{ value: boolean | number }>> {
  const partitions = Object.fromEntries(Object.entries(on ? PARTITIONS : {}).map(([key, value]) => [key, [{ value }]]));
  return { [FAIRNESS_SETTING]: [{ value: on }], ...partitions };
}
