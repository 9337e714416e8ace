// Retry ladders: duration strings ("5m", "24h") and per-subscription overrides of a format's default ladder
// (each format owns its default). Pure: no I/O, no clock. A ladder lists the delays after each failed attempt, in order.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION = /^(\d{1,12})(ms|s|m|h|d)$/;

export const MAX_LADDER_STEP_MS = 7 * UNIT_MS.d;
export const MAX_LADDER_STEPS = 20;

export class DurationError extends Error {
  override readonly name = 'DurationError';
  constructor(readonly input: unknown, reason = 'expected a whole number followed by ms, s, m, h or d, e.g. "5m"') {
    super(`invalid duration ${JSON.stringify(input)}: ${reason}`);
  }
}

export function parseDuration(input: string): number {
  const match = typeof input === 'string' ? DURATION.exec(input.trim()) : null;
  if (!match) throw new DurationError(input);
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  if (!Number.isSafeInteger(ms)) throw new DurationError(input, 'too large');
  return ms;
}

export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new DurationError(ms, 'expected a whole, non-negative number of ms');
  if (ms === 0) return '0s';
  const units: Unit[] = ['d', 'h', 'm', 's'];
  const unit = units.find((u) => ms % UNIT_MS[u] === 0) ?? 'ms';
  return `${ms / UNIT_MS[unit]}${unit}`;
}

function stepProblem(value: string): string | null {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    return (err as Error).message;
  }
  if (ms <= 0) return 'a retry delay must be greater than zero';
  if (ms > MAX_LADDER_STEP_MS) return 'a retry delay may be at most 7d';
  return null;
}

export const retryScheduleSchema = z
  .array(
    z.string().check((ctx) => {
      const problem = stepProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    }),
  )
  .min(1)
  .max(MAX_LADDER_STEPS);

export type RetrySchedule = z.infer<typeof retryScheduleSchema>;

/** The delays in ms: the override when the subscription has one, else the format's default. */
export function resolveLadder(formatDefault: readonly string[], override?: readonly string[] | null): number[] {
  if (override == null) return formatDefault.map(parseDuration);
  const parsed = retryScheduleSchema.safeParse(override);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DurationError(override, first ? first.message : 'invalid retry schedule');
  }
  return parsed.data.map(parseDuration);
}
