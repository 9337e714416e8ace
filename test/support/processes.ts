// Spawns the real worker as a child process (test/support/workerEntry.ts) so tests can SIGKILL or
// SIGTERM it. Test-only: egress is opened to 127.0.0.1/32 only; secrets use the tests' SecretBox key, payloads the tests' payload key.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_PAYLOAD_KEY, TEST_SECRET_KEY } from './temporal';

export interface WorkerChild {
  child: ChildProcess;
  pid: number;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(opts: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): WorkerChild {
  const entry = path.join(__dirname, 'workerEntry.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32',
      HRHOOKS_SECRET_KEY: TEST_SECRET_KEY,
      HRHOOKS_PAYLOAD_KEY: TEST_PAYLOAD_KEY,
      HRHOOKS_DB_POOL: '5',
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker child not ready after ${opts.readyTimeoutMs ?? 60_000} ms:\n${out}`)), opts.readyTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker child exited (code ${code}, signal ${signal}) before ready:\n${out}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    pid: child.pid!,
    ready,
    exited,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
