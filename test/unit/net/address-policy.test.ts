import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { isPublicAddress, parseAllowedHosts, isAllowedHost } from '../../../server/net/address-policy';
import { checkUrl } from '../../../server/net/safe-fetch';
import { OutboundError } from '../../../server/net/outbound-error';
import { loadConfig, ConfigError } from '../../../server/config';

/** Every spelling of localhost, private, link-local and metadata ranges we know of. */
const REFUSED_HOSTS = [
  '127.0.0.1', '127.1', '0x7f.1', '0x7f000001', '2130706433', '017700000001', '0177.0.0.1', '127.255.255.254',
  '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0000:0000::01]',
  '0.0.0.0', '0', '[::]',
  '10.0.0.1', '012.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '[::ffff:192.168.1.1]',
  '169.254.169.254', '169.254.1.1', '[fd00:ec2::254]', '[fd00::1]', '[fc00::1]', '[fe80::1]',
  '100.64.0.1', '100.127.255.254', '224.0.0.1', '[ff02::1]', '255.255.255.255',
  '[::ffff:169.254.169.254]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]',
  'metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.',
];

function refusal(url: string): OutboundError {
  try {
    checkUrl(url, []);
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

describe('outgoing address policy', () => {
  for (const host of REFUSED_HOSTS) {
    it(`refuses http://${host}/`, () => {
      expect(refusal(`http://${host}/`).code).to.equal('address_refused');
    });
  }

  it('accepts public unicast addresses', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).to.equal(true);
    }
  });

  describe('IPv6 forms that carry an IPv4 address', () => {
    const refused: Record<string, string[]> = {
      'IPv4-compatible, whatever it carries': ['::127.0.0.1', '::7f00:1', '::a9fe:a9fe', '::10.0.0.1', '::a00:1', '::192.168.1.1', '::8.8.8.8'],
      'IPv4-mapped, carrying a private address': ['::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::ffff:100.64.0.1'],
      'NAT64 well-known prefix, carrying a private address': ['64:ff9b::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '64:ff9b::c0a8:101', '64:ff9b::a40:1'],
      'NAT64 local-use prefix, whatever it carries': ['64:ff9b:1::7f00:1', '64:ff9b:1:7f00:1::', '64:ff9b:1::808:808'],
      '6to4, carrying a private address': ['2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:a00:1::1', '2002:c0a8:101:1::1', '2002::1'],
    };
    for (const [form, addresses] of Object.entries(refused)) {
      it(`refuses ${form}, as a URL literal and as a DNS answer`, () => {
        for (const address of addresses) {
          expect(refusal(`http://[${address}]/`).code, address).to.equal('address_refused');
          expect(isPublicAddress(address), address).to.equal(false);
        }
      });
    }

    it('judges NAT64 and 6to4 addresses that carry a public address as that address', () => {
      for (const address of ['64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1', '2002:5db8:d822:1::1']) {
        expect(isPublicAddress(address), address).to.equal(true);
        expect(checkUrl(`http://[${address}]/`, []).hostname, address).to.be.a('string');
      }
    });

    it('does not let a zone index through', () => {
      expect(isPublicAddress('fe80::1%eth0')).to.equal(false);
      expect(isPublicAddress('2606:4700:4700::1111%eth0')).to.equal(false);
    });
  });

  it('refuses anything that is not an address at all', () => {
    expect(isPublicAddress('example.com')).to.equal(false);
    expect(isPublicAddress('')).to.equal(false);
  });

  it('refuses schemes other than http and https', () => {
    for (const url of ['ftp://example.com/a.jpg', 'file:///etc/passwd', 'gopher://example.com/', 'data:image/png;base64,AAAA']) {
      expect(refusal(url).code, url).to.equal('invalid_url');
    }
  });

  it('refuses URLs carrying a user name or password', () => {
    expect(refusal('https://user:pass@example.com/a.jpg').code).to.equal('invalid_url');
    expect(refusal('https://user@example.com/a.jpg').code).to.equal('invalid_url');
  });

  it('lets an admin-allowed internal host through, on its port only', () => {
    const allowed = parseAllowedHosts('127.0.0.1:8080, minio.internal [::1]:9000');
    expect(checkUrl('http://127.1:8080/x', allowed).hostname).to.equal('127.0.0.1');
    expect(() => checkUrl('http://127.0.0.1:8081/x', allowed)).to.throw(OutboundError);
    expect(isAllowedHost(allowed, 'MINIO.internal', 443)).to.equal(true);
    expect(isAllowedHost(allowed, '::1', 9000)).to.equal(true);
    expect(isAllowedHost(allowed, '::1', 9001)).to.equal(false);
  });

  it('rejects an allowlist entry that is not host[:port]', () => {
    expect(() => parseAllowedHosts('http://x/')).to.throw(/host\[:port\]/);
  });

  it('reads ALLOWED_INTERNAL_HOSTS from the environment and names it when it is wrong', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-net-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, ALLOWED_INTERNAL_HOSTS: '127.0.0.1:9000' });
      expect(config.allowedInternalHosts).to.deep.equal([{ host: '127.0.0.1', port: 9000 }]);
      expect(() => loadConfig({ DATA_DIR: dataDir, ALLOWED_INTERNAL_HOSTS: 'a:b:c' })).to.throw(ConfigError, /ALLOWED_INTERNAL_HOSTS/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
