// Every `hrhooks` command, its options, the environment it reads and an example, declared once with
// commander: this is what `--help` and `help <command>` print. Loads no command module: each action
// requires its module when it runs, so `hrhooks --help` stays fast. Never touches process.* itself.
import { Command } from 'commander';
import type { CliContext, CliIo } from './context';
import { collect, explain } from './commandHelp';
import { CliError, UsageError } from './errors';
import { previewCommand, verifyCommand } from './standaloneCommands';
import { DELIVERY_STATUSES } from '../../../workflows/definitions';

const ENV = {
  discovery: ['HRHOOKS_DATA_DIR', 'data dir of the running `npm start`; its instance.json supplies what is unset below (default ./data)'],
  database: ['DATABASE_URL', 'Postgres of the installation (default: from instance.json)'],
  temporal: ['TEMPORAL_ADDRESS', 'Temporal frontend host:port (default: from instance.json; required without one, never guessed)'],
  namespace: ['TEMPORAL_NAMESPACE', 'Temporal namespace (default: default)'],
  ui: ['TEMPORAL_UI_URL', 'base of links to the Temporal Web UI (default: from instance.json)'],
  secretKey: ['HRHOOKS_SECRET_KEY', 'key that encrypts stored secrets (default: <data dir>/secret.key)'],
  previousKey: ['HRHOOKS_SECRET_KEY_PREVIOUS', 'during a key rotation: the old key'],
  port: ['PORT', 'gateway port (default: the instance.json gateway, else 3000)'],
  producerKey: ['HRHOOKS_PRODUCER_KEY', 'producer API key (default: <data dir>/bootstrap-keys.json)'],
  egress: ['HRHOOKS_EGRESS_ALLOW', 'CIDRs exempt from the SSRF guard, e.g. 127.0.0.1/32'],
  tenant: ['HRHOOKS_TENANT', 'the tenant to act in, as --tenant (default: none named: the whole installation, or the API key\'s tenant)'],
  adminKey: ['HRHOOKS_ADMIN_KEY', 'platform (or admin) API key (default: <data dir>/bootstrap-keys.json)'],
} as const;



/** Runs a command that may use Postgres / Temporal, and turns any failure into one line and an exit code. */
type Runner = (name: string, body: (ctx: CliContext) => Promise<number>, opts?: { untenanted?: boolean }) => Promise<void>;

/** The global options as the command being run sees them (set by the program's preAction hook). */
interface Globals {
  tenant?: string;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[]; address?: string; port?: number };
  if (e?.code === 'ECONNREFUSED') return `connection refused (${e.message ?? ''})`;
  const text = e?.message || e?.errors?.[0]?.message || String(err);
  return text.split('\n')[0]!;
}

function runner(io: CliIo, exit: { code: number }, globals: Globals): Runner {
  return async (name, body, opts = {}) => {
    let ctx: CliContext | null = null;
    try {
      const { createContext } = require('./context') as typeof import('./context');
      ctx = createContext(io, { tenant: globals.tenant, untenanted: opts.untenanted });
      exit.code = await body(ctx);
    } catch (err) {
      const { ConfigError } = require('../../infra/config') as typeof import('../../infra/config');
      let text = err instanceof ConfigError || err instanceof CliError ? (err as Error).message.split('\n')[0]! : describe(err);
      if ((err as { code?: string }).code === 'ECONNREFUSED' && ctx) {
        text += `; is Postgres running? (${ctx.describeSource('DATABASE_URL')}: start hrhooks with \`npm start\`, or set DATABASE_URL=postgres://USER@HOST:PORT/DB)`;
      }
      io.stderr(`hrhooks ${name.split(' ')[0]}: ${text}\n`);
      exit.code = err instanceof CliError ? err.exitCode : 1;
    } finally {
      await ctx?.close();
    }
  };
}

function services(program: Command, run: Runner, io: CliIo, exit: { code: number }): void {
  explain(
    program.command('start').description('all-in-one: Temporal dev server + Web UI, embedded Postgres, worker and gateway; Ctrl-C stops all'),
    [['HRHOOKS_DATA_DIR', 'where the embedded servers, keys and instance.json live (default ./data)'], ['PORT', 'gateway port (default 3000)'],
      ['DATABASE_URL', 'use this Postgres instead of the embedded one'], ['TEMPORAL_ADDRESS', 'use this Temporal instead of a dev server'],
      ENV.egress, ['…', 'every variable in the README Configuration table']],
    ['npm start', 'HRHOOKS_EGRESS_ALLOW=127.0.0.1/32 hrhooks start'],
  ).action(async () => {
    try {
      const { loadConfig } = require('../../infra/config') as typeof import('../../infra/config');
      const { runStart } = require('../../local/start') as typeof import('../../local/start');
      exit.code = await runStart(loadConfig(io.env), (line) => io.stdout(`${line}\n`));
    } catch (err) {
      io.stderr(`hrhooks start: ${describe(err)}\n`);
      exit.code = 1;
    }
  });
  explain(
    program.command('gateway').description('run the HTTP gateway (API, follow-up UI, metrics) until SIGTERM/SIGINT'),
    [ENV.database, ENV.temporal, ENV.port, ['HOST', 'bind address (default 127.0.0.1)'], ['HRHOOKS_EMBEDDED_WORKER', 'true: run a worker in this process too'], ENV.secretKey],
    ['DATABASE_URL=postgres://hrhooks@db/hrhooks TEMPORAL_ADDRESS=temporal:7233 hrhooks gateway'],
  ).action(() => run('gateway', (ctx) => (require('./commands/processes') as typeof import('./commands/processes')).runGateway(ctx), { untenanted: true }));
  explain(
    program.command('worker').description('run a delivery worker (polls the Temporal task queue) until SIGTERM/SIGINT'),
    [ENV.database, ENV.temporal, ['TEMPORAL_TASK_QUEUE', 'task queue (default hrhooks)'], ENV.secretKey, ENV.egress],
    ['DATABASE_URL=postgres://hrhooks@db/hrhooks TEMPORAL_ADDRESS=temporal:7233 hrhooks worker'],
  ).action(() => run('worker', (ctx) => (require('./commands/processes') as typeof import('./commands/processes')).runWorker(ctx), { untenanted: true }));
}

function operations(program: Command, run: Runner): void {
  deliveryCommands(program, run);
  signalCommands(program, run);
  subscriptionCommands(program, run);
  keyCommands(program, run);
  tenantCommands(program, run);
  sendCommand(program, run);
  portalLinkCommand(program, run);
  auditCommand(program, run);
  dataCommands(program, run);
}

/** `data encrypt-existing`: seal rows stored in clear before data keys existed (issue 23). */
function dataCommands(program: Command, run: Runner): void {
  const data = program.command('data').description("personal data at rest: seal rows stored in clear before data keys existed");
  explain(
    data.command('encrypt-existing').description("seal the event bodies, subject names and attempt bodies stored in clear (from before data keys) under each employee's data key, every tenant; again: nothing left to do")
      .option('--batch <n>', 'rows per batch (default 500)').option('--json', 'print the counts as JSON'),
    [ENV.discovery, ENV.database, ['HRHOOKS_PAYLOAD_KEY', 'the payload key the data keys are wrapped with (default: <data dir>/payload.key)']],
    ['hrhooks data encrypt-existing'],
  ).action((opts) => run('data encrypt-existing', (ctx) => (require('./commands/data') as typeof import('./commands/data')).encryptExistingCommand(opts, ctx), { untenanted: true }));
  explain(data, [ENV.discovery, ENV.database], ['hrhooks data encrypt-existing']);
}

/** `audit`: the audit trail (who did what, when, from where), straight from Postgres. */
function auditCommand(program: Command, run: Runner): void {
  explain(
    program.command('audit').description('the audit trail, newest first: every admin and operator action (who, tenant, what, target, outcome, address); never a payload')
      .option('--since <time>', 'from: ISO 8601 time or a duration back from now (15m, 24h, 7d)').option('--until <time>', 'before (same forms)')
      .option('--actor <name>', 'a key name or id, or cli:<user>').option('--action <action>', 'one action (key.revoked), or a kind with a trailing dot (subscription.)')
      .option('--target <id>', 'a subscription, delivery, key or tenant id').option('--limit <n>', 'entries, 1–500 (default 100)').option('--cursor <cursor>', 'the next page (printed under the table)')
      .option('--platform', 'only platform-level entries (tenants, platform keys)').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ['HRHOOKS_TENANT', 'as --tenant: that tenant\'s entries only (default: every entry)']],
    ['hrhooks audit --since 24h', 'hrhooks audit --tenant acme-nz --action subscription. --json'],
  ).action((opts) => run('audit', (ctx) => (require('./commands/audit') as typeof import('./commands/audit')).auditCommand(opts, ctx)));
}

/** `deliveries list|show`. */
function deliveryCommands(program: Command, run: Runner): void {
  const deliveries = program.command('deliveries').description('search deliveries, inspect one');
  const load = () => require('./commands/deliveries') as typeof import('./commands/deliveries');
  explain(
    deliveries.command('list').description('deliveries, newest first: id, event, subscription, status, attempts, next attempt, last error')
      .option('--status <status>', `only this status (${DELIVERY_STATUSES.join(', ')})`)
      .option('--subscription <id>', 'only this subscription')
      .option('--event-type <type>', 'only this event type, e.g. leave.approved')
      .option('--since <iso>', 'created at or after this ISO date-time')
      .option('--q <text>', 'free-text search (event id, subject, error)')
      .option('--limit <n>', 'page size')
      .option('--cursor <cursor>', 'next page (printed after a full page)')
      .option('--json', 'print the page as JSON'),
    [ENV.discovery, ENV.database, ENV.tenant],
    ['hrhooks deliveries list --status failed', 'hrhooks deliveries list --subscription sub_abc --json', 'hrhooks deliveries list --tenant acme-nz'],
  ).action((opts) => run('deliveries list', (ctx) => load().listCommand(opts, ctx)));
  explain(
    deliveries.command('show').description('one delivery: message, attempts and responses, live workflow state, Temporal UI link')
      .argument('<delivery-id>').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.temporal, ENV.namespace, ENV.ui, ENV.tenant],
    ['hrhooks deliveries show dlv_sub_abc_XYZ'],
  ).action((id: string, opts) => run('deliveries show', (ctx) => load().showCommand(id, opts, ctx)));
  explain(deliveries, [ENV.discovery, ENV.database], ['hrhooks deliveries list --status failed']);
}

/** `resync` and `mark-processed`: signals to one delivery's workflow. */
function signalCommands(program: Command, run: Runner): void {
  const signals = () => require('./commands/signals') as typeof import('./commands/signals');
  explain(
    program.command('resync').description("attempt now: signals the delivery's event workflow directly (works while the gateway is down)")
      .argument('[delivery-id]').option('--failed', 'every failed delivery (read from Postgres)')
      .option('--subscription <id>', 'with --failed: only this subscription').option('--since <iso>', 'with --failed: failed since')
      .option('--note <text>', 'why').option('--by <name>', 'who (default cli:$USER)').option('--json', 'print the result as JSON'),
    [ENV.discovery, ENV.temporal, ENV.namespace, ['DATABASE_URL', 'with --failed: Postgres (default: from instance.json)']],
    ['hrhooks resync dlv_sub_abc_XYZ', 'hrhooks resync --failed --subscription sub_abc'],
  ).action((id: string | undefined, opts) => run('resync', (ctx) => signals().resyncCommand(id, opts, ctx)));
  explain(
    program.command('mark-processed').description('close a delivery as processed (no further attempts)')
      .argument('<delivery-id>').option('--note <text>', 'why it no longer needs delivering (required)')
      .option('--by <name>', 'who (default cli:$USER)').option('--json', 'print the result as JSON'),
    [ENV.discovery, ENV.temporal, ENV.namespace, ENV.database],
    ['hrhooks mark-processed dlv_sub_abc_XYZ --note "entered by hand in payroll"'],
  ).action((id: string, opts) => run('mark-processed', (ctx) => signals().markProcessedCommand(id, opts, ctx)));
}

/** `subscriptions list|create|resume`. */
function subscriptionCommands(program: Command, run: Runner): void {
  const subscriptions = program.command('subscriptions').description('list, create and resume subscriptions');
  const subs = () => require('./commands/subscriptions') as typeof import('./commands/subscriptions');
  explain(
    subscriptions.command('list').description('every subscription: id, state (paused: since when, deliveries waiting, why), format, name, url, events, header names').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.secretKey, ENV.tenant], ['hrhooks subscriptions list', 'hrhooks subscriptions list --tenant acme-nz'],
  ).action((opts) => run('subscriptions list', (ctx) => subs().listCommand(opts, ctx)));
  explain(
    subscriptions.command('create').description("create a subscription through the running gateway (its rules decide, its HRHOOKS_EGRESS_ALLOW included); its secret is printed once")
      .option('--name <name>', 'display name').option('--url <url>', "receiver URL (https, public unless the instance's HRHOOKS_EGRESS_ALLOW permits it)")
      .option('--format <name>', 'wire format').option('--events <list>', "comma-separated event types, or '*'")
      .option('--mode <mode>', 'lucca: all or approved').option('--authorization <value>', 'lucca: Authorization header sent')
      .option('--secret <secret>', 'signing secret (generated when absent)').option('--retry <ladder>', 'retry ladder, e.g. 1m,10m,1h')
      .option('--header <name=value>', 'extra header; repeatable', collect).option('--disabled', 'create disabled')
      .option('--ordering <resource|none>', 'resource: the events of one absence, employee or pay run arrive in event order (default for lucca, aspnet)')
      .option('--collapse', 'close a queued *.updated unsent when a later update or deletion of the same resource follows (not lucca)')
      .option('--max-per-second <n>', 'requests per second to this receiver, across all workers (default 100)')
      .option('--max-in-flight <n>', 'requests open at once to this receiver (default 20)')
      .option('--pause-after-failures <n>', 'consecutive failed attempts that pause the subscription (default 10)')
      .option('--key <admin key>', 'admin API key (default: HRHOOKS_ADMIN_KEY, else <data dir>/bootstrap-keys.json)')
      .option('--json', 'print as JSON'),
    [ENV.discovery, ENV.port, ['HRHOOKS_ADMIN_KEY', 'admin API key (default: <data dir>/bootstrap-keys.json)'], ['HRHOOKS_TENANT', 'as --tenant: create it in that tenant (/v1/tenants/<id>/subscriptions; a platform key)']],
    ["hrhooks subscriptions create --name payroll --url https://payroll.example/hooks --format standard --events '*'"],
  ).action((opts) => run('subscriptions create', (ctx) => subs().createCommand(opts, ctx)));
  explain(
    subscriptions.command('resume').description('resume a subscription the circuit breaker paused: its waiting deliveries go out in order')
      .argument('<id>', 'subscription id').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.tenant],
    ['hrhooks subscriptions resume sub_…'],
  ).action((id, opts) => run('subscriptions resume', (ctx) => subs().resumeCommand(id, opts, ctx)));
  explain(subscriptions, [ENV.discovery, ENV.database], ['hrhooks subscriptions list']);
}

/** `keys create|list|revoke|rotate-secret-key`. */
function keyCommands(program: Command, run: Runner): void {
  const keys = program.command('keys').description('API keys (platform, and each tenant\'s admin and producer keys) and the secret key');
  const keysModule = () => require('./commands/keys') as typeof import('./commands/keys');
  explain(
    keys.command('create').description("create an API key (printed once; only its hash is stored): a tenant's admin or producer key (--tenant, default `default`), or a platform key")
      .option('--scope <scope>', 'platform (manages tenants), admin or producer (one tenant\'s)').option('--name <name>', 'who uses it').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.tenant],
    ['hrhooks keys create --scope producer --name payroll', 'hrhooks keys create --tenant acme-nz --scope admin --name "acme HR"', 'hrhooks keys create --scope platform --name ops'],
  ).action((opts) => run('keys create', (ctx) => keysModule().createCommand(opts, ctx)));
  explain(
    keys.command('list').description('list API keys: id, scope, tenant, name, prefix, fingerprint, created, revoked (never a key); --tenant: that tenant\'s only')
      .option('--scope <scope>', 'only keys of this scope (platform, admin, producer)').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.tenant], ['hrhooks keys list', 'hrhooks keys list --tenant acme-nz --scope producer'],
  ).action((opts) => run('keys list', (ctx) => keysModule().listCommand(opts, ctx)));
  explain(
    keys.command('revoke').description('revoke an API key for good (bootstrap keys too): the API and its UI sessions refuse it at once; --tenant: only a key of that tenant')
      .argument('<id>', 'key id (see keys list)').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.tenant], ['hrhooks keys revoke key_…'],
  ).action((id: string, opts) => run('keys revoke', (ctx) => keysModule().revokeCommand(id, opts, ctx)));
  explain(
    keys.command('rotate-secret-key').description('re-encrypt every stored secret under HRHOOKS_SECRET_KEY').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ['HRHOOKS_SECRET_KEY', 'the new key'], ['HRHOOKS_SECRET_KEY_PREVIOUS', 'the old key']],
    ['HRHOOKS_SECRET_KEY=$NEW HRHOOKS_SECRET_KEY_PREVIOUS=$OLD hrhooks keys rotate-secret-key'],
  ).action((opts) => run('keys rotate-secret-key', (ctx) => keysModule().rotateCommand(opts, ctx), { untenanted: true }));
  explain(keys, [ENV.discovery, ENV.database, ENV.tenant], ['hrhooks keys create --scope admin --name ops', 'hrhooks keys list', 'hrhooks keys revoke key_…']);
}

/** The options a tenant's fields are set with (create and update). */
function tenantFieldOptions(cmd: Command): Command {
  return cmd.option('--name <name>', 'display name')
    .option('--portal-origin <origin>', 'an origin allowed to frame its portal (https://host[:port]); repeatable', collect)
    .option('--brand-name <name>', 'branding: the name its portal shows').option('--logo-url <url>', 'branding: logo (https URL or data:image/…;base64)')
    .option('--accent-color <#rrggbb>', 'branding: accent colour')
    .option('--events-per-second <n>', 'limit: events a second it may post (past it: 429)').option('--max-subscriptions <n>', 'limit: subscriptions it may have')
    .option('--json', 'print as JSON');
}

/** `tenants create|list|show|update|disable|enable|delete`: the platform's tenants, straight in Postgres (and Temporal for delete). */
function tenantCommands(program: Command, run: Runner): void {
  const tenants = program.command('tenants').description('the customer businesses of the platform: create, list, show, update, disable, enable, delete');
  const load = () => require('./commands/tenants') as typeof import('./commands/tenants');
  explain(
    tenantFieldOptions(tenants.command('create').description('create a tenant (its id given, e.g. your own business id, or generated)').option('--id <id>', '1–64 of A–Z a–z 0–9 . _ - (default: generated)')),
    [ENV.discovery, ENV.database], ['hrhooks tenants create --id acme-nz --name "Acme NZ" --portal-origin https://hr.acme.example --accent-color "#0a7d5a"'],
  ).action((opts) => run('tenants create', (ctx) => load().createCommand(opts, ctx), { untenanted: true }));
  explain(
    tenants.command('list').description('live tenants: id, name, state, created').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database], ['hrhooks tenants list'],
  ).action((opts) => run('tenants list', (ctx) => load().listCommand(opts, ctx), { untenanted: true }));
  explain(
    tenants.command('show').description('one tenant: name, portal origins, branding, limits, state').argument('<id>', 'tenant id').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database], ['hrhooks tenants show acme-nz'],
  ).action((id: string, opts) => run('tenants show', (ctx) => load().showCommand(id, opts, ctx), { untenanted: true }));
  explain(
    tenantFieldOptions(tenants.command('update').description('change the fields given (branding and limits: the ones named; --portal-origin replaces the list)').argument('<id>', 'tenant id')),
    [ENV.discovery, ENV.database], ['hrhooks tenants update acme-nz --events-per-second 20'],
  ).action((id: string, opts) => run('tenants update', (ctx) => load().updateCommand(id, opts, ctx), { untenanted: true }));
  for (const [verb, what] of [['disable', 'no new events accepted (the API answers 403); open deliveries go on and stay actionable'], ['enable', 'accept its events again']] as const) {
    explain(
      tenants.command(verb).description(`${verb} a tenant: ${what}`).argument('<id>', 'tenant id').option('--json', 'print as JSON'),
      [ENV.discovery, ENV.database], [`hrhooks tenants ${verb} acme-nz`],
    ).action((id: string, opts) => run(`tenants ${verb}`, (ctx) => load().setDisabledCommand(id, verb === 'disable', opts, ctx), { untenanted: true }));
  }
  explain(
    tenants.command('delete').description('delete a tenant: cancels its open deliveries (recorded on each), revokes its keys, ends its web sessions; `default` cannot be deleted')
      .argument('<id>', 'tenant id').option('--by <name>', 'who (default cli:$USER)').option('--json', 'print as JSON'),
    [ENV.discovery, ENV.database, ENV.temporal, ENV.namespace], ['hrhooks tenants delete acme-nz'],
  ).action((id: string, opts) => run('tenants delete', (ctx) => load().deleteCommand(id, opts, ctx), { untenanted: true }));
  explain(tenants, [ENV.discovery, ENV.database], ['hrhooks tenants create --id acme-nz --name "Acme NZ"', 'hrhooks tenants list']);
}

/** `portal-link <tenant>`: a single-use link into the tenant's follow-up portal. */
function portalLinkCommand(program: Command, run: Runner): void {
  explain(
    program.command('portal-link').description("print a single-use link that opens a tenant's follow-up portal (embeddable in its portal origins)")
      .argument('<tenant>', 'tenant id').option('--role <role>', 'admin (acts) or viewer (looks only); default admin')
      .option('--ttl <duration>', 'how long the link may wait to be opened, 10s–1h (default 15m)').option('--return-url <url>', 'a page on one of its portal origins, shown as "Back"')
      .option('--json', 'print { url, expiresAt } as JSON'),
    [ENV.discovery, ENV.database, ['HRHOOKS_PUBLIC_URL', 'the gateway as browsers reach it, the link\'s base (default: the running gateway\'s address)']],
    ['hrhooks portal-link acme-nz --role viewer --ttl 15m'],
  ).action((tenant: string, opts) => run('portal-link', (ctx) => (require('./commands/portalLink') as typeof import('./commands/portalLink')).portalLinkCommand(tenant, opts, ctx), { untenanted: true }));
}

/** `send`: an event file to a running gateway, as a producer would. */
function sendCommand(program: Command, run: Runner): void {
  explain(
    program.command('send').description('post an event file to a running gateway, as a producer would')
      .argument('<event.json>', "event file, or - for stdin").option('--url <url>', 'gateway URL (default: from instance.json)')
      .option('--key <key>', 'API key (default: HRHOOKS_PRODUCER_KEY, else bootstrap-keys.json)').option('--json', 'print the answer as JSON'),
    [ENV.discovery, ENV.port, ENV.producerKey, ['HRHOOKS_TENANT', 'as --tenant: post to /v1/tenants/<id>/events (a platform key)']], ['hrhooks send examples/leave-approved.json', 'hrhooks send --tenant acme-nz --key "$PLATFORM_KEY" event.json'],
  ).action((file: string, opts) => run('send', (ctx) => (require('./commands/send') as typeof import('./commands/send')).sendCommand(file, opts, ctx)));
}

/** The whole `hrhooks` program; its actions set exit.code. */
export function buildProgram(io: CliIo, exit: { code: number }): Command {
  const program = new Command('hrhooks')
    .description('durable webhook delivery for HR and payroll events, on Temporal')
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`hrhooks: ${text}`) })
    .addHelpText('after', '\nRun `hrhooks help <command>` (or `hrhooks <command> --help`) for its options, environment and an example.\n' +
      'Next to a running `npm start` the CLI finds it through ./data/instance.json (or $HRHOOKS_DATA_DIR/instance.json).\n');
  const globals: Globals = {};
  program.option('--tenant <id>', 'act in this tenant (default: HRHOOKS_TENANT; else the whole installation, or the API key\'s tenant)')
    .configureHelp({ showGlobalOptions: true })
    .hook('preAction', (_program, command) => {
      globals.tenant = (command.optsWithGlobals() as Globals).tenant;
    });
  const run = runner(io, exit, globals);
  services(program, run, io, exit);
  operations(program, run);
  for (const make of [previewCommand, verifyCommand]) {
    const cmd = make().copyInheritedSettings(program);
    program.addCommand(cmd);
    cmd.action(() => {
      if (cmd.name() === 'preview') {
        // Piped, the HTTP message goes out byte for byte (for `verify`); on a terminal it is escaped like all output.
        const exact = io.stdoutIsTerminal === false && io.exactStdout ? { ...io, stdout: io.exactStdout } : io;
        exit.code = (require('./preview') as typeof import('./preview')).preview(cmd.args, cmd.opts(), exact);
      } else {
        exit.code = (require('./verify') as typeof import('./verify')).verify(cmd.args, cmd.opts(), io);
      }
    });
  }
  return program;
}

export { UsageError };
