// How `hrhooks start` stops. Steps run newest first, each within a time bound;
// a failing or hanging step is logged (message and cause) and never skips the
// next; child servers are verified gone. A signal within half a second of the
// first is the same Ctrl-C relayed by a wrapper (npm, tsx); a later one forces:
// child servers are killed at once, verified, and the process exits. Whatever
// happens, the child servers are SIGKILLed when the process exits.
// Also the signals of `worker` and `gateway` (stopOnSignals): every stop ends within a bound.
import type { Logger } from '../../infra/observability/log';

export interface StopStep {
  name: string;
  /** Bound for `stop`; past it, the step counts as failed and `kill` runs. */
  timeoutMs: number;
  stop(): Promise<unknown>;
  /** Child servers: kill now and verify they are gone (throws otherwise). */
  kill?(): Promise<unknown>;
  /** Child servers: SIGKILL whatever still runs, synchronously (on process exit). */
  killNow?(): void;
}

const RELAYED_SIGNAL_MS = 500;
const FORCE_BOUND_MS = 15_000;
/** Once asked to stop, `start` forces (kills the servers, exits 130) if the graceful stop takes longer. */
export const START_STOP_BOUND_MS = 90_000;

class StepTimeout extends Error {}

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class Shutdown {
  private readonly steps: StopStep[] = [];
  private stopping: Promise<boolean> | null = null;
  private forcing: Promise<void> | null = null;
  private firstSignalAt = 0;
  private reason: string | null = null;
  private announce: (reason: string) => void = () => undefined;
  /** Resolves with what asked to stop (a signal name, `uncaught error`). */
  readonly requested: Promise<string>;
  private readonly unlisteners: Array<() => void> = [];
  private listening = false;

  constructor(
    private readonly log: Logger,
    private readonly exit: (code: number) => void,
  ) {
    this.requested = new Promise((resolve) => (this.announce = resolve));
  }

  get isRequested(): boolean {
    return this.reason !== null;
  }

  add(step: StopStep): void {
    this.steps.push(step);
  }

  request(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    if (this.listening) setTimeout(() => void this.force(`not stopped within ${START_STOP_BOUND_MS} ms`), START_STOP_BOUND_MS).unref();
    this.announce(reason);
  }

  /** SIGKILLs the child servers when the process exits, however it exits. */
  killOnExit(): void {
    const onExit = () => this.killNow();
    process.on('exit', onExit);
    this.unlisteners.push(() => process.off('exit', onExit));
  }

  /** Signal handlers, the uncaught-error handler and the exit hook, for as long as the process runs. */
  listen(): void {
    this.listening = true;
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.reason === null) {
        this.firstSignalAt = Date.now();
        return this.request(signal);
      }
      if (Date.now() - this.firstSignalAt < RELAYED_SIGNAL_MS) return;
      void this.force(signal);
    };
    const onUncaught = (err: unknown) => {
      this.log.fatal({ err }, 'uncaught error; stopping everything');
      if (this.reason === null) this.request('uncaught error');
      else void this.force('uncaught error');
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, onSignal);
      this.unlisteners.push(() => process.off(signal, onSignal));
    }
    process.on('uncaughtException', onUncaught);
    this.unlisteners.push(() => process.off('uncaughtException', onUncaught));
    this.killOnExit();
  }

  /** Runs every step once, newest first; resolves true when all of them succeeded. */
  stopAll(): Promise<boolean> {
    this.stopping ??= this.runSteps();
    return this.stopping;
  }

  private async runSteps(): Promise<boolean> {
    let ok = true;
    for (const step of [...this.steps].reverse()) {
      if (this.forcing) break;
      try {
        await bounded(step.stop(), step.timeoutMs, `stopping ${step.name}`);
      } catch (err) {
        ok = false;
        this.log.error({ err }, `stopping ${step.name} failed`);
        if (step.kill) ok = (await this.runKill(step)) && ok;
      }
    }
    if (this.forcing) {
      await this.forcing;
      return false;
    }
    return ok;
  }

  private async runKill(step: StopStep): Promise<boolean> {
    try {
      await bounded(step.kill!(), FORCE_BOUND_MS, `killing ${step.name}`);
      return true;
    } catch (err) {
      this.log.error({ err }, `killing ${step.name} failed`);
      return false;
    }
  }

  /** Kills the child servers now, verifies them gone, exits 130. */
  force(reason: string): Promise<void> {
    this.forcing ??= (async () => {
      this.log.warn({ reason }, 'forced stop: killing the embedded servers now');
      for (const step of [...this.steps].reverse()) if (step.kill) await this.runKill(step);
      this.exit(130);
    })();
    return this.forcing;
  }

  killNow(): void {
    for (const step of this.steps) {
      try {
        step.killNow?.();
      } catch {
        // the process is exiting: nothing left to report to
      }
    }
  }

  unlisten(): void {
    for (const off of this.unlisteners.splice(0)) off();
  }
}

/** How long `worker` or `gateway` may take to stop after SIGTERM / SIGINT before it exits anyway. */
export const PROCESS_STOP_BOUND_MS = 30_000;
/** After its work ended (stopped, or failed), the process exits within this even if a handle lingers. */
const LINGER_MS = 1_000;

export interface ProcessSignals {
  /** The process is up: from now on a signal runs `stop` (bounded) instead of exiting at once. */
  running(stop: () => Promise<void>): void;
  /** True once a signal asked the process to stop. */
  readonly stopping: boolean;
  /** Resolves with the exit code once a signal-driven stop ended (0 stopped, 1 failed). */
  readonly done: Promise<number>;
  /** The work ended (failed, or stopped): exit with `code` within a second, whatever still holds the event loop. */
  exitSoon(code: number): void;
}

/**
 * SIGTERM / SIGINT for `worker` and `gateway`. While still starting, a signal exits at once (143, 130).
 * Once running, the first signal runs `stop`; the process exits 0 when it ends, 1 if it failed or did not
 * end within PROCESS_STOP_BOUND_MS; a later signal (not the same Ctrl-C relayed) exits at once.
 */
export function stopOnSignals(name: string, log: Logger, exit: (code: number) => void = (code) => process.exit(code)): ProcessSignals {
  let stop: (() => Promise<void>) | null = null;
  let firstSignalAt = 0;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const exitSoon = (code: number) => {
    process.exitCode = code;
    setTimeout(() => exit(code), LINGER_MS).unref();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (firstSignalAt !== 0) {
      if (Date.now() - firstSignalAt < RELAYED_SIGNAL_MS) return;
      log.warn({ signal }, `${name}: second signal, exiting now`);
      return exit(code);
    }
    firstSignalAt = Date.now();
    if (!stop) {
      log.warn({ signal }, `${name}: signal while starting, exiting now`);
      return exit(code);
    }
    log.info({ signal }, `${name} stopping`);
    bounded(stop(), PROCESS_STOP_BOUND_MS, `stopping the ${name}`).then(
      () => 0,
      (err: unknown) => {
        log.error({ err }, `${name}: stop failed; exiting anyway`);
        return 1;
      },
    ).then((exitCode) => {
      resolveDone(exitCode);
      exitSoon(exitCode);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);
  return {
    running: (fn) => void (stop = fn),
    get stopping() {
      return firstSignalAt !== 0;
    },
    done,
    exitSoon,
  };
}
