// Notices, while `hrhooks start` runs, that an embedded server it started died on its own: a Temporal
// server (its child process exits) or the embedded Postgres (its postmaster, not our child, is polled
// every second). Says so once, in one line naming the server's log; `start` then stops everything.
import type { ChildProcess } from 'node:child_process';
import { isRunning } from './procfs';

const POLL_MS = 1_000;

export interface WatchedChild {
  name: string;
  logFile: string;
  /** Our child process (Temporal), or the pid of a process we did not fork (the postmaster). */
  process: ChildProcess | number;
}

export interface ChildWatch {
  /** Resolves with the message once a watched server died unexpectedly. */
  died: Promise<string>;
  add(child: WatchedChild): void;
  /** Stopping on purpose from now on: a server that exits is no longer news. */
  disarm(): void;
}

export function watchChildren(): ChildWatch {
  let armed = true;
  let tell: (message: string) => void = () => undefined;
  const died = new Promise<string>((resolve) => (tell = resolve));
  const timers: NodeJS.Timeout[] = [];
  const report = (child: WatchedChild, how: string) => {
    if (!armed) return;
    armed = false;
    tell(`the ${child.name} ${how}; its log: ${child.logFile}`);
  };
  return {
    died,
    add(child) {
      const watched = child.process;
      if (typeof watched === 'number') {
        const timer = setInterval(() => {
          if (!isRunning(watched)) report(child, `(pid ${watched}) stopped unexpectedly`);
        }, POLL_MS);
        timer.unref();
        timers.push(timer);
        return;
      }
      if (watched.exitCode !== null || watched.signalCode !== null) {
        return report(child, `exited unexpectedly (code ${watched.exitCode}, signal ${watched.signalCode})`);
      }
      watched.once('exit', (code, signal) => report(child, `exited unexpectedly (code ${code}, signal ${signal})`));
    },
    disarm() {
      armed = false;
      for (const timer of timers) clearInterval(timer);
    },
  };
}
