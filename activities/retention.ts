// The retention activity: one run (src/app/retention/run.ts) with the instance's default periods, its counts
// logged (no personal data), and the Temporal namespace's retention kept at the longest events period where
// hrhooks manages the namespace (deps.retention.namespaceRetention).
import { runRetention as run, type RetentionResult } from '../src/app/retention/run';
import type { ActivityDeps } from './deps';

export async function runRetention(deps: ActivityDeps): Promise<RetentionResult> {
  const settings = deps.retention ?? { defaults: { events: '90d', bodies: '30d' } };
  const result = await run(deps.pool, settings.defaults);
  deps.log.info({ retention: result }, 'retention run');
  if (settings.namespaceRetention) await settings.namespaceRetention(result.longestEventsDays);
  return result;
}
