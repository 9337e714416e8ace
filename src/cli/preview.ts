// `hrhooks preview`: renders the exact HTTP request(s) a subscription would receive for an event file.
// I/O only through the injected io (no fs, no network, no process.exit); returns the exit code.
import { parseArgs } from 'node:util';
import { TEST_EVENT_TYPE } from '../events/eventTypes';
import { parseEvent, type HrEvent } from '../events/schema';
import type { Format, SubscriptionView } from '../formats/format';
import { deliveryIdFor } from '../formats/identity';
import { subscriptionMatches } from '../formats/matching';
import { formatNames, getFormat, isFormatName } from '../formats/registry';
import { formatHttpRequest } from './httpMessage';

export interface PreviewIo {
  readFile(path: string): string | Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
}

export const PREVIEW_USAGE =
  `usage: hrhooks preview <event.json> --format ${formatNames().join('|')} [--secret S]... [--authorization A]\n` +
  '         [--delivery-id D] [--attempt N] [--mode all|approved] [--url U] [--timestamp SECONDS]\n';

const DEFAULT_URL = 'https://receiver.example/webhook';

class UsageError extends Error {}

function options(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      secret: { type: 'string', multiple: true },
      authorization: { type: 'string' },
      'delivery-id': { type: 'string' },
      attempt: { type: 'string', default: '1' },
      mode: { type: 'string' },
      url: { type: 'string', default: DEFAULT_URL },
      timestamp: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one event file');
  if (!isFormatName(values.format)) throw new UsageError(`--format must be one of ${formatNames().join(', ')}`);
  if (values.mode !== undefined && values.mode !== 'all' && values.mode !== 'approved') {
    throw new UsageError('--mode must be all or approved');
  }
  if (!/^[1-9]\d{0,5}$/.test(values.attempt)) throw new UsageError('--attempt must be a positive integer');
  if (values.timestamp !== undefined && !/^\d{1,12}$/.test(values.timestamp)) {
    throw new UsageError('--timestamp must be whole seconds since the epoch');
  }
  return { ...values, format: values.format, file: positionals[0]!, mode: values.mode as 'all' | 'approved' | undefined };
}

function readEvents(io: PreviewIo, file: string): { events: HrEvent[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(io.readFile(file).toString());
  } catch (err) {
    return { events: [], problems: [`cannot read ${file}: ${(err as Error).message}`] };
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) return { events: [], problems: [`${file} holds no events`] };
  const events: HrEvent[] = [];
  const problems: string[] = [];
  items.forEach((item, i) => {
    const parsed = parseEvent(item);
    const where = Array.isArray(json) ? `[${i}] ` : '';
    if (parsed.ok) events.push(parsed.event);
    else problems.push(...parsed.errors.map((e) => `${where}${e.field}: ${e.message}`));
  });
  return { events, problems };
}

function secretsFor(format: Format, given: string[] | undefined, io: PreviewIo): string[] {
  if (given && given.length > 0) return given;
  if (format.credential.kind !== 'secret') return [];
  const secret = format.credential.generate();
  io.stderr(`note: no --secret given; generated ${secret}\n`);
  return [secret];
}

export function runPreview(argv: string[], io: PreviewIo): number {
  let opts: ReturnType<typeof options>;
  try {
    opts = options(argv);
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n${PREVIEW_USAGE}`);
    return 2;
  }
  const { events, problems } = readEvents(io, opts.file);
  if (problems.length > 0) {
    io.stderr(`invalid event:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const format = getFormat(opts.format);
  const secrets = secretsFor(format, opts.secret, io);
  const now = opts.timestamp === undefined ? new Date() : new Date(Number(opts.timestamp) * 1000);
  const printed: string[] = [];
  try {
    for (const event of events) {
      const subscription: SubscriptionView = {
        id: 'preview',
        format: opts.format,
        events: event.type === TEST_EVENT_TYPE ? '*' : [event.type],
        mode: opts.mode ?? format.defaultMode,
        authorization: opts.authorization ?? null,
        secrets,
        headers: {},
        properties: {},
      };
      if (!subscriptionMatches(subscription, event)) {
        io.stderr(`note: ${opts.format} does not send ${event.type} (event ${event.id})${subscription.mode ? ` in mode ${subscription.mode}` : ''}\n`);
        continue;
      }
      const deliveryId = opts['delivery-id'] ?? deliveryIdFor(subscription.id, event.id);
      const req = format.render({ event, deliveryId, attempt: Number(opts.attempt), now, subscription });
      printed.push(`${formatHttpRequest(opts.url, req)}\n`);
    }
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n`);
    return 2;
  }
  io.stdout(printed.join('\n'));
  return 0;
}
