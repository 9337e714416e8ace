// The 60-second soak inside npm test: steady load, a flaky receiver, worker restarts (SIGKILL and
// SIGTERM), broken subscription rows and operator actions during hanging attempts (test/soak/faults.ts);
// every delivery of an accepted event is delivered, failed on the to-do list, or closed by the operator.
// On the dev server; on the real server on Postgres when test/temporal/realServer.test.ts reruns this
// file (HRHOOKS_TEST_TEMPORAL=server).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { testTemporalKind } from '../support/temporal';

const kind = testTemporalKind();

it(`60-second soak (Temporal ${kind === 'server' ? 'server on Postgres' : 'dev server'}): nothing accepted is lost across worker restarts, receiver failures, broken rows and operator actions mid-attempt`, () => {
  const root = path.resolve(__dirname, '..', '..');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/soak/run.ts', '--duration', '60s', '--rate', '4', '--restart-every', '15s', '--temporal', kind], {
    cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env },
  });
  process.stdout.write(result.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const line = result.stdout.split('\n').find((l) => l.startsWith('SOAK '));
  assert.ok(line, `the soak printed no reconciliation:\n${result.stdout}\n${result.stderr}`);
  const summary = JSON.parse(line.slice(5));
  assert.ok(summary.accepted >= 100, `only ${summary.accepted} events accepted`);
  assert.ok(summary.workerRestarts >= 2, 'the worker was restarted');
  assert.equal(summary.lost, 0);
  assert.equal(summary.notEnded, 0);
  assert.equal(summary.delivered, summary.toReceive);
  assert.ok(summary.failedOnTodo > 0 && summary.processedByOperator > 0 && summary.cancelledByOperator > 0, 'every fault class ran');
  assert.equal(summary.todoOk, true, 'the to-do list holds exactly the broken rows\' failed deliveries');
  assert.equal(summary.delivered + summary.failedOnTodo + summary.processedByOperator + summary.cancelledByOperator, summary.expectedDeliveries);
  assert.equal(result.status, 0, result.stderr);
});
