// Writes an encoded copy of a recorded history, as the payload codec would have written it (issue 23): every
// payload sealed under the tests' payload key, except what Temporal itself reads (search attributes) and the
// worker core's own local-activity bookkeeping (a marker's `data` detail), which the codec never sees either.
// Run by hand: `npx tsx test/workflows/histories/encode.ts fanout-resync` → fanout-resync-encoded.json.
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { createPayloadCodec } from '../../../src/infra/crypto/payloadCodec';
import { TEST_PAYLOAD_KEY } from '../../support/temporal';

const codec = createPayloadCodec(TEST_PAYLOAD_KEY);

function seal(node: unknown, key = ''): unknown {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array || key === 'searchAttributes') return node;
  if (Array.isArray(node)) return node.map((child) => seal(child, key));
  const o = node as Record<string, unknown>;
  if ('metadata' in o && 'data' in o) return codec.encodeOne(o);
  for (const [k, child] of Object.entries(o)) {
    if (k === 'details' && 'markerName' in o && child && typeof child === 'object') {
      for (const [detail, payloads] of Object.entries(child)) if (detail !== 'data') (child as Record<string, unknown>)[detail] = seal(payloads, detail);
      continue;
    }
    o[k] = seal(child, k);
  }
  return o;
}

function main(name: string): void {
  const file = JSON.parse(fs.readFileSync(path.join(__dirname, `${name}.json`), 'utf8')) as { workflowId: string; events: number; history: string };
  const history = temporal.api.history.v1.History.decode(Buffer.from(file.history, 'base64'));
  seal(history);
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  const out = { workflowId: file.workflowId, events: file.events, encodedWith: `payload key id ${codec.keyId} (TEST_PAYLOAD_KEY)`, history: Buffer.from(bytes).toString('base64') };
  fs.writeFileSync(path.join(__dirname, `${name}-encoded.json`), `${JSON.stringify(out, null, 1)}\n`);
  console.log(`wrote ${name}-encoded.json`);
}

main(process.argv[2] ?? 'fanout-resync');
