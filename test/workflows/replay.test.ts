// Replays recorded histories of the `event` workflow (test/workflows/histories, recorded with record.ts)
// against today's workflow code: a change that would break in-flight executions fails the build. Replayed with the
// payload codec (issue 23): histories from before it (in clear) pass through, *-encoded.json ones (encode.ts) decode.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { workflowBundle } from '../../src/infra/temporal/workflowBundle';
import { testDataConverter } from '../support/temporal';

const DIR = path.join(__dirname, 'histories');

function recorded(): { workflowId: string; history: temporal.api.history.v1.History }[] {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const file = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as { workflowId: string; history: string };
    return { workflowId: `${f}:${file.workflowId}`, history: temporal.api.history.v1.History.decode(Buffer.from(file.history, 'base64')) };
  });
}

async function replayAll(bundle: Awaited<ReturnType<typeof workflowBundle>>, dataConverter: DataConverter = testDataConverter): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, dataConverter }, recorded())) results.push(result);
  return results;
}

describe('replay of recorded event workflow histories', () => {
  it('today\'s workflow code replays every recorded history without a determinism error', async () => {
    const results = await replayAll(await workflowBundle());
    assert.ok(results.length >= 4, `${results.length} histories replayed`);
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
    assert.ok(results.some((r) => r.workflowId.includes('-encoded.json')), 'an encoded history was replayed');
  });

  it('an encoded history replays only through the payload codec', async () => {
    const results = await replayAll(await workflowBundle(), {});
    const encoded = results.filter((r) => r.workflowId.includes('-encoded.json'));
    assert.ok(encoded.length >= 1);
    for (const r of encoded) assert.ok(r.error, `${r.workflowId} replayed without the codec: it is not encoded`);
    for (const r of results.filter((x) => !encoded.includes(x))) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message}`);
  });

  it('an incompatible workflow fails the same replay', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./histories/incompatible'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    const results = await replayAll({ code });
    assert.ok(results.length >= 4);
    for (const r of results) assert.ok(r.error, `${r.workflowId} should not replay on an incompatible workflow`);
  });
});
