// Configuration: durations are parsed by the same parser as retry ladders, and a bad value is a
// ConfigError naming the variable. Pure: no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/infra/config';

test('durations use the ladder parser (ms, s, m, h, d)', () => {
  assert.equal(loadConfig({ HRHOOKS_ATTEMPT_TIMEOUT: '250ms' }).HRHOOKS_ATTEMPT_TIMEOUT, 250);
  assert.equal(loadConfig({ HRHOOKS_ATTEMPT_TIMEOUT: '15s' }).HRHOOKS_ATTEMPT_TIMEOUT, 15_000);
  assert.equal(loadConfig({ HRHOOKS_ROTATION_GRACE: '2d' }).HRHOOKS_ROTATION_GRACE, 2 * 86_400_000);
  assert.equal(loadConfig({}).HRHOOKS_ATTEMPT_TIMEOUT, 15_000);
});

test('a bad duration names the variable', () => {
  assert.throws(() => loadConfig({ HRHOOKS_CONNECT_TIMEOUT: 'soon' }), (err: Error) => err instanceof ConfigError && /HRHOOKS_CONNECT_TIMEOUT/.test(err.message) && /soon/.test(err.message));
});

test('pollers: a number or auto', () => {
  assert.equal(loadConfig({}).HRHOOKS_WORKFLOW_POLLERS, 'auto');
  assert.equal(loadConfig({ HRHOOKS_WORKFLOW_POLLERS: '12' }).HRHOOKS_WORKFLOW_POLLERS, 12);
  assert.throws(() => loadConfig({ HRHOOKS_WORKFLOW_POLLERS: 'many' }), ConfigError);
});

test('the egress allowlist is parsed once, here; a bad entry is a ConfigError naming HRHOOKS_EGRESS_ALLOW', () => {
  assert.deepEqual(loadConfig({}).egressAllow, []);
  assert.deepEqual(loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32, fd00::/8' }).egressAllow.map((cidr) => cidr.text), ['127.0.0.1/32', 'fd00::/8']);
  assert.throws(() => loadConfig({ HRHOOKS_EGRESS_ALLOW: '127.0.0.1/32,10.0.0.0/99' }), (err: Error) => err instanceof ConfigError && /HRHOOKS_EGRESS_ALLOW/.test(err.message) && /10\.0\.0\.0\/99/.test(err.message));
});
