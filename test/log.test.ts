// The logger owns how an error is logged: `{ err }` carries its type, message, stack and cause chain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, withErrorFields } from '../src/infra/observability/log';

function captured(): { log: ReturnType<typeof createLogger>; lines: () => any[] } {
  const raw: string[] = [];
  const log = createLogger('info', 'test', { write: (line: string) => void raw.push(line) });
  return { log, lines: () => raw.map((line) => JSON.parse(line)) };
}

test('an error logged as { err } carries its message and its cause, down the chain', () => {
  const { log, lines } = captured();
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:7233');
  log.error({ err: new Error('could not start the event workflow', { cause: new Error('fetch failed', { cause: refused }) }) }, 'failed');
  const [line] = lines();
  assert.equal(line.err.type, 'Error');
  assert.equal(line.err.message, 'could not start the event workflow');
  assert.match(line.err.stack, /could not start the event workflow/);
  assert.equal(line.err.cause.message, 'fetch failed');
  assert.equal(line.err.cause.cause.message, 'connect ECONNREFUSED 127.0.0.1:7233');
});

test('a value that is not an Error is logged as it is; the Temporal SDK\'s meta errors get the same shape', () => {
  const { log, lines } = captured();
  log.warn({ err: 'start refused: namespace not found' }, 'refused');
  log.warn({ sdk: withErrorFields({ error: new Error('poll failed', { cause: new Error('unavailable') }), taskQueue: 'q' }) }, 'sdk');
  const [plain, sdk] = lines();
  assert.equal(plain.err, 'start refused: namespace not found');
  assert.deepEqual([sdk.sdk.error.message, sdk.sdk.error.cause.message, sdk.sdk.taskQueue], ['poll failed', 'unavailable', 'q']);
});
