import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AllowlistEntryError, checkUrl, isForbiddenAddress, parseAllowlist } from '../../src/infra/http/ssrfGuard';

const none = parseAllowlist('');
const loopbackOne = parseAllowlist('127.0.0.1/32');

const FORBIDDEN: string[] = [
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1',
  '169.254.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.255', '100.100.100.200',
  '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '0.0.0.0', '0.1.2.3',
  '198.18.0.1', '198.19.255.255', '192.0.2.10', '198.51.100.7', '203.0.113.9', '192.0.0.8', '192.0.0.170',
  '::', '::1', 'fc00::1', 'fd12:3456::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1',
  'ff02::1', '2001:db8::1', '100::1', '2001:2::1', '3fff::1', '64:ff9b:1::a00:1',
  // IPv4-mapped, -compatible, -translated, NAT64, 6to4 and Teredo encodings of forbidden IPv4s
  '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:a9fe', '::ffff:10.1.2.3',
  '::127.0.0.1', '::a9fe:a9fe', '::ffff:0:7f00:1',
  '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::c0a8:101',
  '2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:0101:1::1',
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1 (obfuscated)
  '2001:0:a9fe:a9fe:8000:63bf:3fff:fdd2', // Teredo, server 169.254.169.254
  // Garbage fails closed
  'not-an-ip', '',
];

const ALLOWED: string[] = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '198.20.0.1', '192.0.3.1', '11.0.0.1',
  '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
  '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo, public server 65.54.227.120 and client 8.8.8.8
];

describe('isForbiddenAddress', () => {
  for (const ip of FORBIDDEN) {
    it(`refuses ${ip || '(empty)'}`, () => {
      const d = isForbiddenAddress(ip, none);
      assert.equal(d.forbidden, true);
      assert.ok(d.reason && d.reason.length > 0);
    });
  }
  for (const ip of ALLOWED) {
    it(`permits ${ip}`, () => assert.deepEqual(isForbiddenAddress(ip, none), { forbidden: false }));
  }

  it('names the reason, including the embedded IPv4 for encodings', () => {
    assert.match(isForbiddenAddress('169.254.169.254', none).reason!, /metadata/);
    assert.match(isForbiddenAddress('fd00:ec2::254', none).reason!, /metadata/);
    assert.match(isForbiddenAddress('100.100.100.200', none).reason!, /metadata/);
    assert.match(isForbiddenAddress('64:ff9b::a9fe:a9fe', none).reason!, /NAT64.*169\.254\.169\.254.*metadata/);
    assert.match(isForbiddenAddress('2002:7f00:1::', none).reason!, /6to4.*127\.0\.0\.1.*loopback/);
  });

  it('allowlist 127.0.0.1/32 opens exactly that address, also in its IPv4-mapped form', () => {
    assert.equal(isForbiddenAddress('127.0.0.1', loopbackOne).forbidden, false);
    assert.equal(isForbiddenAddress('::ffff:127.0.0.1', loopbackOne).forbidden, false);
    assert.equal(isForbiddenAddress('127.0.0.2', loopbackOne).forbidden, true);
    assert.equal(isForbiddenAddress('::1', loopbackOne).forbidden, true);
    assert.equal(isForbiddenAddress('10.0.0.1', loopbackOne).forbidden, true);
  });

  it('allowlist works for IPv6 ranges', () => {
    const ula = parseAllowlist('fd00::/8, ::1');
    assert.equal(isForbiddenAddress('fd12::1', ula).forbidden, false);
    assert.equal(isForbiddenAddress('::1', ula).forbidden, false);
    assert.equal(isForbiddenAddress('fc00::1', ula).forbidden, true);
  });

  const forbiddenV4 = fc.oneof(
    ...[
      [127, 0, 0, 0, 8], [10, 0, 0, 0, 8], [172, 16, 0, 0, 12], [192, 168, 0, 0, 16], [169, 254, 0, 0, 16],
      [100, 64, 0, 0, 10], [0, 0, 0, 0, 8], [224, 0, 0, 0, 4], [240, 0, 0, 0, 4], [198, 18, 0, 0, 15],
      [192, 0, 0, 0, 24], [192, 0, 2, 0, 24], [198, 51, 100, 0, 24], [203, 0, 113, 0, 24],
    ].map(([a, b, c, d, bits]) => {
      const base = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
      return fc.integer({ min: 0, max: 2 ** (32 - bits!) - 1 }).map((offset) => (base + offset) >>> 0);
    }),
  );

  it('property: a forbidden IPv4 is refused as itself, ::ffff: mapped, NAT64 and 6to4', () => {
    fc.assert(
      fc.property(forbiddenV4, (n) => {
        const octets = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
        const dotted = octets.join('.');
        const hi = ((n >>> 16) & 0xffff).toString(16);
        const lo = (n & 0xffff).toString(16);
        for (const form of [dotted, `::ffff:${dotted}`, `::ffff:${hi}:${lo}`, `64:ff9b::${dotted}`, `64:ff9b::${hi}:${lo}`,
          `2002:${hi}:${lo}::1`, `::${dotted}`]) {
          assert.equal(isForbiddenAddress(form, none).forbidden, true, `${form} should be forbidden`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseAllowlist', () => {
  it('parses CSV of CIDRs and bare addresses, ignoring blanks', () => {
    const list = parseAllowlist(' 127.0.0.1/32, ,10.0.0.0/8,::1 ');
    assert.deepEqual(list.map((c) => c.text), ['127.0.0.1/32', '10.0.0.0/8', '::1/128']);
  });
  for (const bad of ['127.0.0.1/33', 'localhost', '10.0.0.0/8/1', '0x7f.1/32', '::1/129', '1.2.3.4/abc', '1.2.3/24']) {
    it(`rejects "${bad}" with a typed error naming it`, () => {
      assert.throws(() => parseAllowlist(`127.0.0.1/32,${bad}`), (err: unknown) => {
        assert.ok(err instanceof AllowlistEntryError);
        assert.equal(err.entry, bad);
        assert.ok(err.message.includes(bad));
        return true;
      });
    });
  }
});

describe('checkUrl', () => {
  const refusedLiterals = [
    'http://127.0.0.1/', 'http://127.0.0.1:8080/hook', 'http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/',
    'http://0x7f000001/', 'http://017700000001/', 'http://127.1/', 'http://127.0.0.1./', 'http://0/',
    'http://%31%32%37.0.0.1/', 'https://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/',
    'http://100.100.100.200/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:a9fe:a9fe::]/', 'http://[::127.0.0.1]/',
    'http://10.0.0.1/', 'http://192.168.0.1/', 'http://100.64.0.1/', 'http://[fe80::1]/', 'http://0xa9.0xfe.0xa9.0xfe/',
  ];
  for (const url of refusedLiterals) {
    it(`refuses ${url} as ssrf`, () => {
      const r = checkUrl(url, none);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.kind, 'ssrf');
    });
  }

  it('WHATWG URL normalises numeric IPv4 encodings to dotted quads (the guard relies on it)', () => {
    for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://127.1/', 'http://127.0.0.1./']) {
      assert.equal(new URL(url).hostname, '127.0.0.1');
    }
    assert.equal(new URL('http://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
  });

  const invalid = ['not a url', '/relative', 'ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/',
    'http://user:pass@example.com/', 'http://user@example.com/', 'http://1.2.3.256/', 'javascript:alert(1)'];
  for (const url of invalid) {
    it(`rejects ${url} as invalid_url`, () => {
      const r = checkUrl(url, none);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.kind, 'invalid_url');
    });
  }

  it('passes public hosts and names (names are judged at connect time)', () => {
    for (const url of ['https://example.com/hook', 'http://8.8.8.8/', 'https://[2606:4700:4700::1111]/', 'http://localhost:3000/']) {
      const r = checkUrl(url, none);
      assert.equal(r.ok, true, url);
      if (r.ok) assert.equal(r.url.href, new URL(url).href);
    }
  });

  it('allowlist opens 127.0.0.1 in any encoding but not 127.0.0.2', () => {
    for (const url of ['http://127.0.0.1:9/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/']) {
      assert.equal(checkUrl(url, loopbackOne).ok, true, url);
    }
    assert.equal(checkUrl('http://127.0.0.2/', loopbackOne).ok, false);
    assert.equal(checkUrl('http://[::1]/', loopbackOne).ok, false);
  });
});
