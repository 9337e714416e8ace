// Operator aborts through Postgres: whoever closes a delivery (API, web interface, CLI) publishes its
// id with NOTIFY; every worker LISTENs on one connection and cuts off that delivery's in-flight attempt.
// This is the fast path only: the workflow's own signal cancels the attempt too, just later.
import { Client, type Pool } from 'pg';
import type { Logger } from '../observability/log';

const CHANNEL = 'hrhooks_abort';
const RECONNECT_MS = 2_000;

export interface AbortChannel {
  /** Calls onAbort when an abort of this delivery is published; returns the unwatch function. */
  watch(deliveryId: string, onAbort: () => void): () => void;
  stop(): Promise<void>;
}

export async function publishAbort(pool: Pool, deliveryId: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, deliveryId]);
}

/** Listens until stopped, reconnecting after a lost connection; never throws into the caller. */
export function listenForAborts(connectionString: string, log: Logger): AbortChannel {
  const watchers = new Map<string, Set<() => void>>();
  let client: Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new Client({ connectionString, application_name: 'hrhooks-aborts' });
    next.on('notification', (msg) => {
      for (const onAbort of watchers.get(msg.payload ?? '') ?? []) onAbort();
    });
    next.on('error', (err) => {
      log.warn({ err }, 'abort channel lost; reconnecting');
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (stopped) return void (await next.end());
      client = next;
    } catch (err) {
      log.warn({ err }, 'abort channel could not connect; retrying');
      await next.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, RECONNECT_MS);
    retry.unref();
  };
  void connect();

  return {
    watch(deliveryId, onAbort) {
      const set = watchers.get(deliveryId) ?? new Set();
      set.add(onAbort);
      watchers.set(deliveryId, set);
      return () => {
        set.delete(onAbort);
        if (set.size === 0) watchers.delete(deliveryId);
      };
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
