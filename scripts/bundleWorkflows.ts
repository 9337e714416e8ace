// `npm run build:workflows`: writes the worker's workflow bundle to dist/ once, so no worker bundles at start.
import fs from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle, prebuiltBundleIsCurrent, WORKFLOW_BUNDLE_PATH } from '../src/infra/temporal/workflowBundle';

async function main(): Promise<void> {
  if (process.argv.includes('--if-stale') && prebuiltBundleIsCurrent()) return;
  const started = performance.now();
  const code = await buildWorkflowBundle();
  fs.mkdirSync(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  const temporary = `${WORKFLOW_BUNDLE_PATH}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, WORKFLOW_BUNDLE_PATH);
  console.log(`workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB, ${Math.round(performance.now() - started)} ms)`);
}

main().catch((err) => {
  console.error(`error: could not bundle the workflows: ${(err as Error).message}`);
  process.exit(1);
});
