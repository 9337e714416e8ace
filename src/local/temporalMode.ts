// Which Temporal (`HRHOOKS_TEMPORAL`: dev or server) a data dir's open deliveries live in: recorded in
// `<data dir>/temporal-mode` on the first start, and a start with the other one is refused while open
// deliveries would be stranded there. A data dir from before the record: the Temporal state it holds decides.
import fs from 'node:fs';
import path from 'node:path';

export type TemporalMode = 'dev' | 'server';

export function modeFile(dataDir: string): string {
  return path.join(dataDir, 'temporal-mode');
}

function mtime(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * A data dir without a record (started before it existed): the dev server's SQLite file or the real
 * server's config; with both, the one written last (the real server's config is rewritten at each start,
 * the SQLite file at each write), that is the Temporal used last, where deliveries opened last live.
 */
function inferredMode(dataDir: string): TemporalMode | null {
  const dev = mtime(path.join(dataDir, 'temporal.sqlite'));
  const server = mtime(path.join(dataDir, 'temporal-server', 'temporal-server.yaml'));
  if (dev === null && server === null) return null;
  if (server === null) return 'dev';
  if (dev === null) return 'server';
  return server > dev ? 'server' : 'dev';
}

/** The mode the data dir's deliveries were started with: its record, else inferred; null for a new data dir. */
export function recordedMode(dataDir: string): TemporalMode | null {
  try {
    const text = fs.readFileSync(modeFile(dataDir), 'utf8').trim();
    if (text === 'dev' || text === 'server') return text;
  } catch {
    // no record yet
  }
  return inferredMode(dataDir);
}

const label = (mode: TemporalMode) => (mode === 'dev' ? 'the Temporal dev server' : 'the real Temporal server');

/**
 * Refuses (throws, one line) to start `wanted` on a data dir whose open deliveries live in the other
 * Temporal; `openDeliveries` counts them (deliveries not closed whose workflow was started). With none
 * open, the switch is allowed. Then records `wanted`.
 */
export async function checkTemporalMode(dataDir: string, wanted: TemporalMode, openDeliveries: () => Promise<number>): Promise<void> {
  const recorded = recordedMode(dataDir);
  if (recorded !== null && recorded !== wanted) {
    const open = await openDeliveries();
    if (open > 0) {
      throw new Error(
        `HRHOOKS_TEMPORAL=${wanted} refused: ${open} open deliveries of ${dataDir} live in ${label(recorded)} it was started with, and would never be attempted again; start with HRHOOKS_TEMPORAL=${recorded} (and let them finish before switching), or use another HRHOOKS_DATA_DIR`,
      );
    }
  }
  fs.writeFileSync(modeFile(dataDir), `${wanted}\n`);
}
