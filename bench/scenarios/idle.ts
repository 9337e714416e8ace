// Scenario "idle": memory of the stack's processes after it has started and before any scenario
// has sent it work. Always runs first; it only reads /proc.
import { round } from '../percentiles';
import type { Scenario } from './scenario';

const MB = 2 ** 20;
const SETTLE_MS = 2_000;

export const idle: Scenario = {
  name: 'idle',
  async run({ stack }) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return {
      figures: {
        workerRssMB: round(stack.rss('worker') / MB),
        gatewayRssMB: round(stack.rss('gateway') / MB),
      },
      notes: [`VmRSS read ${SETTLE_MS / 1000} s after the gateway answered /readyz, before the first scenario`],
    };
  },
};
