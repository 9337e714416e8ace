// The one rule for any presented API key (a Bearer header or the sign-in form): refused while its client
// address has too many recent failures (shared through Postgres by every gateway); an unknown or revoked
// key counts as a failure; a good key costs no extra round trip. An IPv6 client counts as its /64.
// Never logs or stores the presented key.
import ipaddr from 'ipaddr.js';
import type { Pool } from 'pg';
import type { Config } from '../../infra/config';
import type { ApiKey } from '../../infra/db/apiKeys';
import { checkPresentedKey, recordAuthFailure, type FailurePolicy } from '../../infra/db/authFailures';

export interface AuthDeps {
  pool: Pool;
  config: Pick<Config, 'HRHOOKS_AUTH_FAILURE_LIMIT' | 'HRHOOKS_AUTH_FAILURE_WINDOW'>;
}

export type KeyOutcome = { kind: 'ok'; key: ApiKey } | { kind: 'unknown' } | { kind: 'throttled'; retryAfterSeconds: number };

/** The address failures are counted under, from the client's IP: itself for IPv4, its /64 for IPv6. */
export function throttleAddress(ip: string | undefined): string {
  const raw = ip ?? '';
  if (!ipaddr.isValid(raw)) return raw || 'unknown';
  const address = ipaddr.process(raw);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}

function policyOf(deps: AuthDeps): FailurePolicy {
  return { limit: deps.config.HRHOOKS_AUTH_FAILURE_LIMIT, windowMs: deps.config.HRHOOKS_AUTH_FAILURE_WINDOW };
}

/** Checks a key presented from `address` (see throttleAddress); a refused key is counted against the address. */
export async function authenticateKey(deps: AuthDeps, presented: string, address: string): Promise<KeyOutcome> {
  const policy = policyOf(deps);
  const checked = await checkPresentedKey(deps.pool, presented, address, policy);
  if (checked.retryAfterSeconds !== null) return { kind: 'throttled', retryAfterSeconds: checked.retryAfterSeconds };
  if (checked.key) return { kind: 'ok', key: checked.key };
  const retryAfterSeconds = await recordAuthFailure(deps.pool, address, policy);
  return retryAfterSeconds === null ? { kind: 'unknown' } : { kind: 'throttled', retryAfterSeconds };
}
