// Which `hrhooks start` owns a data dir: `<data dir>/pids.json` names it (pid and
// start time, so a reused pid is not mistaken for it). A live owner means the
// embedded servers there are in use; a dead one means they are leftovers of a
// crash, to be stopped. Never touches the servers itself.
import fs from 'node:fs';
import path from 'node:path';
import { processInfo } from './procfs';

interface Owner {
  pid: number;
  startTime: number;
}

function file(dataDir: string): string {
  return path.join(dataDir, 'pids.json');
}

function read(dataDir: string): Owner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file(dataDir), 'utf8')) as { hrhooks?: Owner };
    return parsed.hrhooks ?? null;
  } catch {
    return null;
  }
}

/** The pid of the start that claimed the data dir, if any (alive or not). */
export function ownerOf(dataDir: string): number | null {
  return read(dataDir)?.pid ?? null;
}

/** Claims the data dir for this process; throws if another live `hrhooks start` holds it. */
export function claimDataDir(dataDir: string): void {
  const owner = read(dataDir);
  const running = owner && owner.pid !== process.pid ? processInfo(owner.pid) : null;
  if (owner && running && running.startTime === owner.startTime) {
    throw new Error(`another hrhooks start (pid ${owner.pid}) is running on ${dataDir}; stop it first or set HRHOOKS_DATA_DIR`);
  }
  const me = processInfo(process.pid);
  fs.writeFileSync(file(dataDir), JSON.stringify({ hrhooks: { pid: process.pid, startTime: me?.startTime ?? 0 } }, null, 2));
}

/** Releases the claim once everything it started is verified stopped. */
export function releaseDataDir(dataDir: string): void {
  if (read(dataDir)?.pid === process.pid) fs.rmSync(file(dataDir), { force: true });
}
