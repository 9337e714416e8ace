// The production docker-compose file is valid Compose (no Docker engine needed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';

it('docker-compose config -q validates docker-compose.yml', () => {
  const root = path.resolve(__dirname, '..', '..');
  const env = { ...process.env, HRHOOKS_ADMIN_KEY: 'a'.repeat(32), HRHOOKS_PRODUCER_KEY: 'p'.repeat(32), HRHOOKS_SECRET_KEY: 's'.repeat(32) };
  const result = spawnSync('docker-compose', ['config', '-q'], { cwd: root, env, encoding: 'utf8' });
  assert.equal(result.error, undefined, `docker-compose could not run: ${result.error?.message}`);
  assert.equal(result.status, 0, result.stderr);
  const full = spawnSync('docker-compose', ['config'], { cwd: root, env, encoding: 'utf8' });
  for (const service of ['postgres:', 'temporal:', 'temporal-ui:', 'gateway:', 'worker:']) {
    assert.ok(full.stdout.includes(service), `service ${service} defined`);
  }
  assert.match(full.stdout, /replicas: 2/);
});
