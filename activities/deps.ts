// What every activity is given by the worker: the pool, the secret box, the egress rules, the logger and
// the flow-control settings. Types only.
import type { Pool } from 'pg';
import type { SecretBox } from '../src/infra/crypto/secretBox';
import type { AbortChannel } from '../src/infra/db/abortChannel';
import type { Cidr } from '../src/infra/http/ssrfGuard';
import type { Logger } from '../src/infra/observability/log';
import type { RetentionPeriods } from '../src/domain/retention/policy';

export interface ActivityDeps {
  pool: Pool;
  box: SecretBox;
  allow: Cidr[];
  attemptTimeoutMs: number;
  connectTimeoutMs: number;
  log: Logger;
  /** Operator aborts published through Postgres (cuts an in-flight attempt off within a second). */
  aborts?: AbortChannel;
  /** Where the circuit breaker tells an admin a subscription paused, resumed or was disabled (HRHOOKS_ADMIN_WEBHOOK_URL). */
  adminWebhookUrl?: string;
  /** The breaker's probe schedule and how long a subscription may stay paused (tests shorten them). */
  breaker?: { probeScheduleMs?: number[]; disableAfterMs?: number };
  /** Retention (issue 23): the default periods, and how to set the namespace's retention when hrhooks manages it. */
  retention?: { defaults: RetentionPeriods; namespaceRetention?: (days: number) => Promise<void> };
  /** Off only on the time-skipping test server, which has no custom search attributes. */
  searchAttributes?: boolean;
}
