// Owns the SSRF decision: which URLs and peer addresses outbound webhooks may reach.
// Pure: no I/O, no DNS; callers (the dispatcher) feed it URLs, resolved and connected addresses.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  readonly text: string;
  readonly range: [Address, number];
}

export type Decision = { forbidden: boolean; reason?: string };

export type UrlCheck =
  | { ok: true; url: URL }
  | { ok: false; reason: string; kind: 'invalid_url' | 'ssrf' };

export class AllowlistEntryError extends Error {
  override readonly name = 'AllowlistEntryError';
  constructor(readonly entry: string) {
    super(`invalid allowlist entry "${entry}": expected a CIDR such as 127.0.0.1/32 or fd00::/8`);
  }
}

const table = (rows: [string, string][]): [[Address, number], string][] =>
  rows.map(([cidr, reason]) => [ipaddr.parseCIDR(cidr), reason]);

// First match wins, so the specific entries (metadata, broadcast) precede their enclosing ranges.
const FORBIDDEN_V4 = table([
  ['169.254.169.254/32', 'cloud metadata endpoint'],
  ['100.100.100.200/32', 'cloud metadata endpoint'],
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/32', 'unspecified address'],
  ['0.0.0.0/8', '"this network" (0.0.0.0/8)'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
]);

const FORBIDDEN_V6 = table([
  ['::/128', 'unspecified address'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud metadata endpoint'],
  ['fc00::/7', 'unique local (ULA)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'deprecated site-local'],
  ['ff00::/8', 'multicast'],
  ['100::/64', 'discard-only'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:10::/28', 'ORCHID'],
  ['2001:20::/28', 'ORCHIDv2'],
  ['64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'],
  ['::/96', 'deprecated IPv4-compatible address'],
  ['::ffff:0:0:0/96', 'IPv4-translated address (SIIT)'],
]);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/** Encodings that carry an IPv4 address inside an IPv6 one, and how to get it out. */
const EMBEDDINGS: { name: string; range: [Address, number]; extract: (b: number[]) => number[][] }[] = [
  { name: 'IPv4-compatible', range: ipaddr.parseCIDR('::/96'), extract: (b) => [b.slice(12, 16)] },
  { name: 'IPv4-translated', range: ipaddr.parseCIDR('::ffff:0:0:0/96'), extract: (b) => [b.slice(12, 16)] },
  { name: 'NAT64', range: NAT64_WELL_KNOWN, extract: (b) => [b.slice(12, 16)] },
  { name: '6to4', range: ipaddr.parseCIDR('2002::/16'), extract: (b) => [b.slice(2, 6)] },
  {
    name: 'Teredo',
    range: ipaddr.parseCIDR('2001::/32'),
    extract: (b) => [b.slice(4, 8), b.slice(12, 16).map((x) => x ^ 0xff)],
  },
];

export function parseAllowlist(csv: string): Cidr[] {
  return csv
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseAllowEntry);
}

function parseAllowEntry(entry: string): Cidr {
  const [addr, prefix, ...rest] = entry.split('/');
  if (addr === undefined || rest.length > 0) throw new AllowlistEntryError(entry);
  const strictV4 = ipaddr.IPv4.isValidFourPartDecimal(addr);
  if (!strictV4 && !ipaddr.IPv6.isValid(addr)) throw new AllowlistEntryError(entry);
  const address = ipaddr.parse(addr);
  const max = address.kind() === 'ipv4' ? 32 : 128;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= max)) throw new AllowlistEntryError(entry);
  return { text: `${address.toString()}/${bits}`, range: [address, bits] };
}

export function isForbiddenAddress(ip: string, allow: Cidr[]): Decision {
  let parsed: Address;
  try {
    parsed = ipaddr.parse(ip);
  } catch {
    return { forbidden: true, reason: `not an IP address: ${ip}` };
  }
  const normalised = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
  if (isAllowed(parsed, allow) || isAllowed(normalised, allow)) return { forbidden: false };
  const reason = normalised.kind() === 'ipv4'
    ? v4Reason(normalised as ipaddr.IPv4)
    : v6Reason(normalised as ipaddr.IPv6);
  return reason === undefined ? { forbidden: false } : { forbidden: true, reason: `${ip}: ${reason}` };
}

function isAllowed(address: Address, allow: Cidr[]): boolean {
  return allow.some(({ range }) => range[0].kind() === address.kind() && address.match(range));
}

function matchTable(address: Address, rows: [[Address, number], string][]): string | undefined {
  return rows.find(([range]) => range[0].kind() === address.kind() && address.match(range))?.[1];
}

function v4Reason(address: ipaddr.IPv4): string | undefined {
  return matchTable(address, FORBIDDEN_V4);
}

function v6Reason(address: ipaddr.IPv6): string | undefined {
  const bytes = address.toByteArray();
  for (const { name, range, extract } of EMBEDDINGS) {
    if (!address.match(range)) continue;
    for (const octets of extract(bytes)) {
      const inner = new ipaddr.IPv4(octets);
      const why = v4Reason(inner);
      if (why !== undefined) return `${name} encoding of ${inner.toString()} (${why})`;
    }
  }
  const named = matchTable(address, FORBIDDEN_V6);
  if (named !== undefined) return named;
  const routable = address.match(GLOBAL_UNICAST_V6) || address.match(NAT64_WELL_KNOWN);
  return routable ? undefined : 'not global unicast';
}

/** Shape check plus a direct verdict on IP-literal hosts; hostnames are left to the connect-time guard. */
export function checkUrl(url: string, allow: Cidr[]): UrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, kind: 'invalid_url', reason: 'not a valid absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, kind: 'invalid_url', reason: `scheme ${parsed.protocol} is not allowed (http or https only)` };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, kind: 'invalid_url', reason: 'credentials in the URL are not allowed' };
  }
  const host = parsed.hostname;
  if (host === '') return { ok: false, kind: 'invalid_url', reason: 'URL has no host' };
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    const decision = isForbiddenAddress(literal, allow);
    if (decision.forbidden) return { ok: false, kind: 'ssrf', reason: decision.reason ?? 'forbidden address' };
  }
  return { ok: true, url: parsed };
}
