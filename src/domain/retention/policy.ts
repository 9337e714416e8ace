// Retention rules (issue 23 item 5), pure: a period is whole days ("90d"); a tenant's own periods, else the
// instance's defaults; the cut-off instants of one run; which day partitions every tenant is done with.
import { z } from 'zod';

const DAY_MS = 86_400_000;
export const MAX_RETENTION_DAYS = 3650;

export interface RetentionPeriods {
  /** Closed deliveries, their attempts and their events go once their event is this old. */
  events: string;
  /** The request and response bodies of closed deliveries' attempts go once the attempt is this old. */
  bodies: string;
}

/** Days in a period "<n>d" (1 to 3650), or null when it is not one. */
export function retentionDays(value: string): number | null {
  const match = /^([1-9]\d{0,3})d$/.exec(value);
  if (!match) return null;
  const days = Number(match[1]);
  return days <= MAX_RETENTION_DAYS ? days : null;
}

const period = z.string().refine((v) => retentionDays(v) !== null, `whole days, e.g. 90d (1d to ${MAX_RETENTION_DAYS}d)`);

/** A tenant's retention as the API takes it: either period may be left to the default; bodies never outlive events. */
export const retentionSchema = z.strictObject({ events: period.optional(), bodies: period.optional() }).superRefine((value, ctx) => {
  if (value.events && value.bodies && retentionDays(value.bodies)! > retentionDays(value.events)!) {
    ctx.addIssue({ code: 'custom', path: ['bodies'], message: 'at most retention.events (bodies go with their events)' });
  }
});
export type TenantRetention = z.infer<typeof retentionSchema>;

/** A tenant's periods in days: its own where set, else the defaults; bodies capped at events. */
export function effectiveRetention(own: TenantRetention | undefined, defaults: RetentionPeriods): { eventsDays: number; bodiesDays: number } {
  const eventsDays = retentionDays(own?.events ?? defaults.events)!;
  const bodiesDays = Math.min(eventsDays, retentionDays(own?.bodies ?? defaults.bodies)!);
  return { eventsDays, bodiesDays };
}

export interface TenantCutoffs {
  tenantId: string;
  /** Closed deliveries created before this go, with their attempts; events received before it with no delivery left go. */
  events: Date;
  /** Closed deliveries' attempts started before this lose their bodies. */
  bodies: Date;
}

export function cutoffsFor(tenantId: string, days: { eventsDays: number; bodiesDays: number }, now: Date): TenantCutoffs {
  return { tenantId, events: new Date(now.getTime() - days.eventsDays * DAY_MS), bodies: new Date(now.getTime() - days.bodiesDays * DAY_MS) };
}

/** The longest `events` period among the tenants and the default: day partitions wait for it. */
export function longestEventsDays(tenantDays: number[], defaultDays: number): number {
  return Math.max(defaultDays, ...tenantDays);
}

/**
 * A day partition (UTC day starting at `day`) may go when its whole day is past the longest events period:
 * every tenant is done with its closed deliveries' attempts (open ones are moved out first).
 */
export function partitionExpired(day: Date, longestDays: number, now: Date): boolean {
  return day.getTime() + DAY_MS <= now.getTime() - longestDays * DAY_MS;
}

/** The UTC days whose partitions should exist: today and `ahead` days after it. */
export function daysAhead(now: Date, ahead: number): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: ahead + 1 }, (_, i) => new Date(today + i * DAY_MS));
}
