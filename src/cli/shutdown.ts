// How `hrhooks start` stops. Steps run newest first, each within a time bound;
// a failing or hanging step is logged (message and cause) and never skips the
// next; child servers are verified gone. A signal within half a second of the
// first is the same Ctrl-C relayed by a wrapper (npm, tsx); a later one forces:
// child servers are killed at once, verified, and the process exits. Whatever
// happens, the child servers are SIGKILLed when the process exits.
import type { Logger } from '../log';

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

class StepTimeout extends Error {}

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Message and cause chain of an error, for the log (never `{}`). */
export function errorFields(err: unknown): { err: string; cause?: string } {
  const e = err as { message?: string; cause?: unknown };
  const causes: string[] = [];
  for (let c = e?.cause, depth = 0; c !== undefined && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    causes.push((c as { message?: string })?.message ?? String(c));
  }
  return { err: e?.message ?? String(err), ...(causes.length ? { cause: causes.join(' <- ') } : {}) };
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
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.reason === null) {
        this.firstSignalAt = Date.now();
        return this.request(signal);
      }
      if (Date.now() - this.firstSignalAt < RELAYED_SIGNAL_MS) return;
      void this.force(signal);
    };
    const onUncaught = (err: unknown) => {
      this.log.fatal(errorFields(err), 'uncaught error; stopping everything');
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
        this.log.error(errorFields(err), `stopping ${step.name} failed`);
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
      this.log.error(errorFields(err), `killing ${step.name} failed`);
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
