// `hrhooks preview`: renders the exact HTTP request(s) a subscription would receive for an event file.
// I/O only through the injected io (no fs, no network, no process.exit); returns the exit code.
import { DEFAULT_TENANT } from '../../domain/tenants/tenantId';
import { TEST_EVENT_TYPE } from '../../domain/events/eventTypes';
import { parseEvent, type HrEvent } from '../../domain/events/schema';
import type { Format, SubscriptionView } from '../../domain/formats/format';
import { deliveryIdFor } from '../../domain/formats/identity';
import { subscriptionMatches } from '../../domain/formats/matching';
import { formatNames, getFormat, isFormatName } from '../../domain/formats/registry';
import { UsageError } from './errors';
import { formatHttpRequest } from './httpMessage';
import { parseStandalone, previewCommand } from './standaloneCommands';

export interface PreviewIo {
  readFile(path: string): string | Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
}

export interface PreviewOptions {
  format?: string; secret?: string[]; authorization?: string; deliveryId?: string; messageId?: string;
  attempt?: string; mode?: string; url?: string; timestamp?: string; json?: boolean;
}

const DEFAULT_URL = 'https://receiver.example/webhook';

function options(args: string[], given: PreviewOptions) {
  const values = { ...given, attempt: given.attempt ?? '1', url: given.url ?? DEFAULT_URL };
  if (args.length !== 1) throw new UsageError('expected exactly one event file');
  if (!isFormatName(values.format)) throw new UsageError(`--format must be one of ${formatNames().join(', ')}`);
  if (values.messageId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(values.messageId)) throw new UsageError('--message-id must be 1 to 200 printable characters');
  if (values.mode !== undefined && values.mode !== 'all' && values.mode !== 'approved') {
    throw new UsageError('--mode must be all or approved');
  }
  if (!/^[1-9]\d{0,5}$/.test(values.attempt)) throw new UsageError('--attempt must be a positive integer');
  if (values.timestamp !== undefined && !/^\d{1,12}$/.test(values.timestamp)) {
    throw new UsageError('--timestamp must be whole seconds since the epoch');
  }
  return { ...values, format: values.format, file: args[0]!, mode: values.mode as 'all' | 'approved' | undefined };
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

/** `hrhooks preview`, parsed in-process (tests, fuzzing): the same options as the CLI. */
export function runPreview(argv: string[], io: PreviewIo): number {
  const parsed = parseStandalone(previewCommand(), argv, io);
  return typeof parsed === 'number' ? parsed : preview(parsed.args, parsed.opts, io);
}

export function preview(args: string[], given: PreviewOptions, io: PreviewIo): number {
  let opts: ReturnType<typeof options>;
  try {
    opts = options(args, given);
  } catch (err) {
    io.stderr(`hrhooks preview: ${(err as Error).message} (see hrhooks preview --help)\n`);
    return 2;
  }
  const { events, problems } = readEvents(io, opts.file);
  if (problems.length > 0) {
    io.stderr(`invalid event:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const format = getFormat(opts.format);
  if (opts.messageId !== undefined && !format.hasMessageId) {
    io.stderr(`hrhooks preview: --message-id: the ${format.name} format has no message id (see hrhooks preview --help)\n`);
    return 2;
  }
  const secrets = secretsFor(format, opts.secret, io);
  const now = opts.timestamp === undefined ? new Date() : new Date(Number(opts.timestamp) * 1000);
  const printed: string[] = [];
  const requests: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];
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
      const deliveryId = opts.deliveryId ?? deliveryIdFor(subscription.id, event.id, DEFAULT_TENANT);
      const req = format.render({ event, deliveryId, messageId: opts.messageId, attempt: Number(opts.attempt), now, subscription });
      requests.push({ method: 'POST', url: opts.url, headers: req.headers, body: req.body.toString('utf8') });
      printed.push(`${formatHttpRequest(opts.url, req)}\n`);
    }
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}\n`);
    return 2;
  }
  io.stdout(opts.json ? `${JSON.stringify(requests, null, 2)}\n` : printed.join('\n'));
  return 0;
}
