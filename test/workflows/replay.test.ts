// Replays recorded histories of the `event` workflow (test/workflows/histories, recorded with record.ts)
// against today's workflow code: a change that would break in-flight executions fails the build.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { workflowBundle } from '../../src/infra/temporal/workflowBundle';

const DIR = path.join(__dirname, 'histories');

function recorded(): { workflowId: string; history: temporal.api.history.v1.History }[] {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const file = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as { workflowId: string; history: string };
    return { workflowId: `${f}:${file.workflowId}`, history: temporal.api.history.v1.History.decode(Buffer.from(file.history, 'base64')) };
  });
}

async function replayAll(bundle: Awaited<ReturnType<typeof workflowBundle>>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, recorded())) results.push(result);
  return results;
}

describe('replay of recorded event workflow histories', () => {
  it('today\'s workflow code replays every recorded history without a determinism error', async () => {
    const results = await replayAll(await workflowBundle());
    assert.ok(results.length >= 4, `${results.length} histories replayed`);
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
  });

  it('an incompatible workflow fails the same replay', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./histories/incompatible'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    const results = await replayAll({ code });
    assert.ok(results.length >= 4);
    for (const r of results) assert.ok(r.error, `${r.workflowId} should not replay on an incompatible workflow`);
  });
});
