// The worker's workflow code: the bundle `npm run build:workflows` writes to dist/ at build time, loaded
// as is; bundled in memory only when there is none or the workflow sources are newer (development).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { PACKAGE_ROOT } from './packageRoot';

const ROOT = PACKAGE_ROOT;
export const WORKFLOW_BUNDLE_PATH = path.join(ROOT, 'dist', 'workflow-bundle.js');
const WORKFLOWS_DIR = path.join(ROOT, 'workflows');

const quietBundlerLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

function newestSource(): number {
  if (!fs.existsSync(WORKFLOWS_DIR)) return 0;
  return Math.max(0, ...fs.readdirSync(WORKFLOWS_DIR).map((f) => fs.statSync(path.join(WORKFLOWS_DIR, f)).mtimeMs));
}

/** True when dist/ holds a bundle at least as new as every workflow source file. */
export function prebuiltBundleIsCurrent(): boolean {
  return fs.existsSync(WORKFLOW_BUNDLE_PATH) && fs.statSync(WORKFLOW_BUNDLE_PATH).mtimeMs >= newestSource();
}

export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows', 'index.ts'), logger: quietBundlerLogger });
  return code;
}

let inMemory: Promise<WorkflowBundleOption> | null = null;

export function workflowBundle(): Promise<WorkflowBundleOption> {
  if (prebuiltBundleIsCurrent()) return Promise.resolve({ codePath: WORKFLOW_BUNDLE_PATH });
  inMemory ??= buildWorkflowBundle().then((code) => ({ code }));
  return inMemory;
}
