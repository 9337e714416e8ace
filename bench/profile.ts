// CPU profiles of the stack's Node processes (`--profile worker,gateway`): a `node` shim that adds
// --cpu-prof (which NODE_OPTIONS refuses) to a role started through bin/hrhooks, the collection of the
// .cpuprofile files V8 writes when that process exits (one per thread), and their summary: the
// functions with the most self time. Never starts or stops a process itself.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const TOP = 15;

export const PROFILABLE = ['worker', 'gateway'] as const;
export type ProfiledRole = (typeof PROFILABLE)[number];

export interface FunctionTime {
  function: string;
  /** Script path relative to the repository (node_modules included), or a URL, or '' for V8's own entries. */
  url: string;
  /** 1-based line of the function's start, 0 when V8 gives none. */
  line: number;
  selfMs: number;
  /** selfMs ÷ the profile's busy time (sampled minus `(idle)`). */
  shareOfBusy: number;
}

export interface ProfileSummary {
  role: string;
  /** 'main', or `thread-<id>` for a worker thread (the Temporal SDK runs workflows in worker threads), with what it runs when recognised. */
  thread: string;
  file: string;
  sampledMs: number;
  idleMs: number;
  busyMs: number;
  top: FunctionTime[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Writes `<dir>/bin/node`, which runs this Node with --cpu-prof writing into `dir`, and returns its
 * directory: put first on a process's PATH, bin/hrhooks (`exec node …`) starts the same entry it
 * would otherwise (dist/ or the sources through tsx), profiled, under the same pid.
 */
export function profilingNodeDir(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const shim = path.join(bin, 'node');
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --cpu-prof --cpu-prof-dir=${JSON.stringify(dir)} "$@"\n`, { mode: 0o755 });
  return bin;
}

/** Node names its profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread. */
function threadOf(file: string): string {
  const tid = /\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1];
  return tid === undefined ? path.basename(file, '.cpuprofile') : tid === '0' ? 'main' : `thread-${tid}`;
}

export interface ProfileFile {
  role: string;
  thread: string;
  file: string;
}

/** Copies the profiles in `dir` to `outDir` as `<role>-<thread>.cpuprofile` (replacing that role's earlier ones); returns the copies. */
export function collectProfiles(dir: string, role: string, outDir: string): ProfileFile[] {
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  fs.mkdirSync(outDir, { recursive: true });
  for (const old of fs.readdirSync(outDir)) if (old.startsWith(`${role}-`) && old.endsWith('.cpuprofile')) fs.rmSync(path.join(outDir, old));
  return found.map((f) => {
    const copy = path.join(outDir, `${role}-${threadOf(f)}.cpuprofile`);
    fs.copyFileSync(path.join(dir, f), copy);
    return { role, thread: threadOf(f), file: copy };
  });
}

function shortUrl(url: string): string {
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  return file.startsWith(`${ROOT}/`) ? path.relative(ROOT, file) : file;
}

const ms = (us: number): number => Math.round(us / 100) / 10;
const MAX_NAME = 80;

type CallFrame = CpuProfile['nodes'][number]['callFrame'];

/** A parsed profile: each sample's frame, start and duration (it lasts until the next one; the last until endTime). */
export interface LoadedProfile extends ProfileFile {
  kind: string;
  samples: { frame: CallFrame; atUs: number; us: number }[];
}

/** What a thread runs, guessed from the scripts it ran: the Temporal workflow VM, or tsx's module loader hooks. */
function kindOf(frames: CallFrame[]): string {
  if (frames.some((f) => f.url.includes('@temporalio/worker/lib/workflow/'))) return 'workflows';
  if (frames.some((f) => f.url === 'node:internal/modules/esm/worker')) return 'module loader';
  return '';
}

export function loadProfile(file: ProfileFile): LoadedProfile {
  const profile = JSON.parse(fs.readFileSync(file.file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  let at = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (at += delta));
  const samples = profile.samples.map((nodeId, i) => ({
    frame: frames.get(nodeId)!,
    atUs: times[i]!,
    us: Math.max(0, (times[i + 1] ?? profile.endTime) - times[i]!),
  }));
  return { ...file, kind: file.thread === 'main' ? '' : kindOf([...frames.values()]), samples };
}

/**
 * Self time per function (name + script + line) of the samples taken in [fromUs, toUs) on the
 * monotonic clock (V8's profile timestamps and process.hrtime are both CLOCK_MONOTONIC, in µs);
 * the whole profile without a window.
 */
export function summariseProfile(profile: LoadedProfile, window?: [number, number]): ProfileSummary {
  const [fromUs, toUs] = window ?? [-Infinity, Infinity];
  const selfUs = new Map<string, { frame: CallFrame; us: number }>();
  for (const { frame, atUs, us } of profile.samples) {
    if (atUs < fromUs || atUs >= toUs) continue;
    const key = `${frame.functionName}\0${frame.url}\0${frame.lineNumber}`;
    const entry = selfUs.get(key) ?? { frame, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  }
  const entries = [...selfUs.values()];
  const sampledUs = entries.reduce((sum, e) => sum + e.us, 0);
  const idleUs = entries.filter((e) => e.frame.functionName === '(idle)').reduce((sum, e) => sum + e.us, 0);
  const busyUs = sampledUs - idleUs;
  const top = entries
    .filter((e) => e.frame.functionName !== '(idle)')
    .sort((a, b) => b.us - a.us)
    .slice(0, TOP)
    .map((e) => {
      const name = e.frame.functionName || '(anonymous)';
      return {
        function: name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name,
        url: shortUrl(e.frame.url),
        line: e.frame.url ? e.frame.lineNumber + 1 : 0,
        selfMs: ms(e.us),
        shareOfBusy: busyUs > 0 ? Math.round((e.us / busyUs) * 1000) / 1000 : 0,
      };
    });
  const thread = profile.kind ? `${profile.thread} (${profile.kind})` : profile.thread;
  return { role: profile.role, thread, file: profile.file, sampledMs: ms(sampledUs), idleMs: ms(idleUs), busyMs: ms(busyUs), top };
}
