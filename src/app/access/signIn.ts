// Signing in to the web interface: the presented key goes through the failed-auth throttle like any
// API key, only a platform key (the global interface) or a tenant's admin key (that tenant's) opens a session. Returns what happened; the words are the web page's.
import type { AuthDeps } from './authenticateKey';
import { authenticateKey } from './authenticateKey';
import { openUiSession, type UiSessionDeps } from './uiSessions';

export type SignInOutcome =
  | { kind: 'signedIn'; keyId: string; cookieValue: string; expiresAt: number }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'unknown' }
  | { kind: 'notAdmin' };

export async function signIn(deps: AuthDeps & UiSessionDeps, presented: string, address: string): Promise<SignInOutcome> {
  if (!presented) return { kind: 'unknown' };
  const outcome = await authenticateKey(deps, presented, address);
  if (outcome.kind !== 'ok') return outcome;
  if (outcome.key.scope === 'producer') return { kind: 'notAdmin' };
  const session = await openUiSession(deps, outcome.key);
  return { kind: 'signedIn', keyId: outcome.key.id, ...session };
}
