// Workflow history as searchable text: every payload opened with the tests' payload codec (payloads are
// encrypted in Temporal, issue 23) and its bytes decoded as UTF-8, so a test can prove a string is (or is
// not) anywhere in what the workflow recorded. (The raw, encrypted history: test/temporal/payloadCodec.test.ts.)
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { isEncrypted } from '../../src/infra/crypto/payloadCodec';
import { testCodec } from './temporal';

/** A plain copy of `node` with every encrypted payload in it opened. */
function opened(node: unknown): unknown {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return node;
  if (Array.isArray(node)) return node.map(opened);
  const o = node as Record<string, unknown>;
  if ('metadata' in o && 'data' in o && isEncrypted(o as Payload)) return testCodec.decodeOne(o as Payload);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, opened(v)]));
}

export async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(opened(history), (key, value) => {
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (value && typeof value === 'object' && value.type === 'Buffer' && Array.isArray(value.data)) {
      return Buffer.from(value.data).toString('utf8');
    }
    return value;
  });
}
