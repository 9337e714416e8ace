// The watchdog of `hrhooks start`: a process of its own, in its own session,
// whose stdin is a pipe from `start`. When that pipe closes without a "done"
// line (start was SIGKILLed, OOM-killed…), it stops and verifies gone the
// embedded servers of the data dir, unless another start now owns the data dir.
// `start` is the only caller; this module never runs the servers itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopPostmaster } from './localCluster';
import { stopDevServersOn } from './devServer';
import { stopRealServersOn } from './realServer';
import { ownerOf } from './dataDirOwner';

export interface Watchdog {
  /** Everything is verified stopped: the watchdog exits without touching anything. */
  disarm(): void;
}

export interface WatchdogTarget {
  dataDir: string;
  postgresDir: string | null;
  pgSocketDir: string | null;
  temporalDb: string | null;
  /** The real Temporal server's config file (HRHOOKS_TEMPORAL=server). */
  temporalServerConfig: string | null;
}

interface Orders extends WatchdogTarget {
  /** The `hrhooks start` watched: if another pid owns the data dir by then, it is left alone. */
  ownerPid: number;
}

/** Spawns the watchdog for `target`; it holds neither this process's event loop nor its process group. */
export function startWatchdog(target: WatchdogTarget): Watchdog {
  const log = fs.openSync(path.join(target.dataDir, 'watchdog.log'), 'a');
  const child = spawn(process.execPath, [...process.execArgv, __filename, JSON.stringify({ ...target, ownerPid: process.pid } satisfies Orders)], {
    detached: true,
    stdio: ['pipe', log, log],
  });
  fs.closeSync(log);
  child.unref();
  const stdin = child.stdin! as NodeJS.WritableStream & { unref?: () => void };
  stdin.on('error', () => undefined);
  stdin.unref?.();
  return {
    disarm() {
      stdin.end('done\n');
    },
  };
}

async function watch(target: Orders): Promise<void> {
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) process.on(signal, () => undefined);
  let said = '';
  process.stdin.on('data', (chunk) => (said += chunk));
  await new Promise((resolve) => process.stdin.once('close', resolve).once('end', resolve));
  if (said.includes('done')) return;
  const owner = ownerOf(target.dataDir);
  if (owner !== null && owner !== target.ownerPid) {
    console.log(`${new Date().toISOString()} data dir now owned by pid ${owner}; leaving it alone`);
    return;
  }
  console.log(`${new Date().toISOString()} hrhooks start died without stopping; stopping the embedded servers`);
  if (target.temporalDb) await stopDevServersOn(target.temporalDb, { graceMs: 10_000 }).catch((err: Error) => console.log(err.message));
  if (target.temporalServerConfig) await stopRealServersOn(target.temporalServerConfig, { graceMs: 10_000 }).catch((err: Error) => console.log(err.message));
  if (target.postgresDir) await stopPostmaster(target.postgresDir, { graceMs: 15_000, socketDir: target.pgSocketDir ?? undefined }).catch((err: Error) => console.log(err.message));
  console.log(`${new Date().toISOString()} done`);
}

if (require.main === module) {
  watch(JSON.parse(process.argv[2]!) as Orders).then(
    () => process.exit(0),
    (err: Error) => {
      console.log(err.message);
      process.exit(1);
    },
  );
}
