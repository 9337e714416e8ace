// The worker's workflow code: the bundle `npm run build:workflows` writes to dist/ at build time, loaded
// as is; bundled in memory only when there is none or the workflow sources are newer (development).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { PACKAGE_ROOT } from '../packageRoot';
import { FAILURE_CONVERTER_PATH } from './dataConverter';

const ROOT = PACKAGE_ROOT;
export const WORKFLOW_BUNDLE_PATH = path.join(ROOT, 'dist', 'workflow-bundle.js');
/** The folders the bundle is built from: the workflows and the pure rules they import. */
const BUNDLED_DIRS = [path.join(ROOT, 'workflows'), path.join(ROOT, 'src', 'domain')];

const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

function newestIn(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? newestIn(full) : fs.statSync(full).mtimeMs;
  }));
}

function newestSource(): number {
  return Math.max(...BUNDLED_DIRS.map(newestIn));
}

/** True when dist/ holds a bundle at least as new as every workflow source file. */
export function prebuiltBundleIsCurrent(): boolean {
  return fs.existsSync(WORKFLOW_BUNDLE_PATH) && fs.statSync(WORKFLOW_BUNDLE_PATH).mtimeMs >= newestSource();
}

/** Bundles the workflows (a test may name its own module, bundled the same way). */
export async function buildWorkflowBundle(workflowsPath = path.join(ROOT, 'workflows', 'index.ts')): Promise<string> {
  // the failure converter inside the sandbox too: a workflow's own failures get their message encoded (dataConverter.ts)
  const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
  return code;
}

let inMemory: Promise<WorkflowBundleOption> | null = null;

export function workflowBundle(): Promise<WorkflowBundleOption> {
  if (prebuiltBundleIsCurrent()) return Promise.resolve({ codePath: WORKFLOW_BUNDLE_PATH });
  inMemory ??= buildWorkflowBundle().then((code) => ({ code }));
  return inMemory;
}
