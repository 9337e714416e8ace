// `hrhooks send <event.json>`: posts an event file to a running gateway, like a producer would.
import { bootstrapKeysFile, knownBootstrapKeys } from '../bootstrapKeys';
import { CliError, UsageError, type CliContext } from '../context';

export async function sendCommand(file: string, values: { url?: string; key?: string; json?: boolean }, ctx: CliContext): Promise<number> {
  const known = knownBootstrapKeys(ctx.config);
  const key = values.key ?? known.producer ?? known.admin;
  if (!key) throw new UsageError(`no API key: pass --key, set HRHOOKS_PRODUCER_KEY, or run where ${bootstrapKeysFile(ctx.config)} exists`);
  const body = file === '-' ? ctx.io.readStdin() : ctx.io.readFile(file);
  const base = (values.url ?? ctx.gatewayUrl).replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}${ctx.apiPath('/v1/events')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach the gateway at ${base}: ${((err as Error).cause as Error)?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (values.json || !res.ok) {
    (res.ok ? ctx.io.stdout : ctx.io.stderr)(`${text}\n`);
    return res.ok ? 0 : 1;
  }
  const answer = JSON.parse(text) as { eventId: string; deliveries: { id: string; subscriptionId: string; status: string }[] };
  ctx.io.stdout(`accepted ${answer.eventId}: ${answer.deliveries.length} deliver${answer.deliveries.length === 1 ? 'y' : 'ies'}\n`);
  for (const d of answer.deliveries) ctx.io.stdout(`  ${d.id}  ${d.status}  → ${d.subscriptionId}\n`);
  return 0;
}
