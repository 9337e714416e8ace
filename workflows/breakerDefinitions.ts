// The breaker workflow's public surface. Types and pure definitions only.
import { defineSignal } from '@temporalio/workflow';

export const BREAKER_WORKFLOW = 'breaker';

export function breakerWorkflowIdFor(subscriptionId: string): string {
  return `brk_${subscriptionId}`;
}

export interface BreakerInput {
  subscriptionId: string;
  /** Waits between probes (the last repeats); default 5, 10, 20, 40 min, then every hour. */
  probeScheduleMs?: number[];
  /** Paused this long, the subscription is disabled; default 5 days. */
  disableAfterMs?: number;
}

/** What the admin webhook receives (plus the subscription's name). */
export interface AdminNotice {
  type: 'subscription.paused' | 'subscription.resumed' | 'subscription.disabled';
  subscriptionId: string;
  at: string;
  pausedSince: string;
  reason: string;
}

export type BreakerEnd = 'resumed' | 'disabled';

export const resumedSignal = defineSignal('resumed');
