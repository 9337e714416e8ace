// The production docker-compose file is valid Compose (no Docker engine needed), runs the Temporal
// server version the tests run (src/local/realServer.ts) and registers the search attributes with
// the types the workflow writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { SEARCH_ATTRIBUTES } from '../../src/infra/temporal/searchAttributes';
import { TEMPORAL_SERVER_VERSION } from '../../src/local/realServer';

it('docker-compose config -q validates docker-compose.yml', () => {
  const root = path.resolve(__dirname, '..', '..');
  const env = { ...process.env, HRHOOKS_ADMIN_KEY: 'a'.repeat(32), HRHOOKS_PRODUCER_KEY: 'p'.repeat(32), HRHOOKS_SECRET_KEY: 's'.repeat(32), HRHOOKS_PAYLOAD_KEY: 'k'.repeat(32) };
  const result = spawnSync('docker-compose', ['config', '-q'], { cwd: root, env, encoding: 'utf8' });
  assert.equal(result.error, undefined, `docker-compose could not run: ${result.error?.message}`);
  assert.equal(result.status, 0, result.stderr);
  const full = spawnSync('docker-compose', ['config'], { cwd: root, env, encoding: 'utf8' });
  for (const service of ['postgres:', 'temporal-schema:', 'temporal:', 'temporal-namespace:', 'temporal-ui:', 'gateway:', 'worker:']) {
    assert.ok(full.stdout.includes(service), `service ${service} defined`);
  }
  assert.match(full.stdout, /replicas: 2/);
  const images = [...full.stdout.matchAll(/image: (temporalio\/(?:server|admin-tools|auto-setup)):(\S+)/g)].map((m) => `${m[1]}:${m[2]}`);
  assert.ok(images.includes(`temporalio/server:${TEMPORAL_SERVER_VERSION}`), `the tested server version ${TEMPORAL_SERVER_VERSION} runs: ${images.join(', ')}`);
  for (const image of images) assert.ok(image.endsWith(`:${TEMPORAL_SERVER_VERSION}`), `${image} is the tested version ${TEMPORAL_SERVER_VERSION}`);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) assert.ok(full.stdout.includes(`${name}=${type}`), `${name} registered as ${type}`);
});
