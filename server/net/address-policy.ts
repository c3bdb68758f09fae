import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which addresses an outgoing request (webhook, image URL) may reach.
 * Only globally routable unicast passes: ipaddr.js names every special range, and anything it
 * names (private, loopback, link-local, unique-local, multicast, unspecified, carrier-grade NAT,
 * reserved, Teredo…) is refused. An IPv6 address that carries an IPv4 address is judged as that
 * IPv4 address, or refused outright (see `carriedIPv4`).
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString())) return false;
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const carried = carriedIPv4(parsed as ipaddr.IPv6);
  if (carried === undefined) return parsed.range() === 'unicast';
  return carried !== null && isPublicAddress(carried.toString());
}

/**
 * An address in one canonical reading, or null. IPv6 text goes through the WHATWG URL parser first
 * (the one `checkUrl` reads hosts with): ipaddr.js alone reads "::a.b.c.d" as "::ffff:a.b.c.d", and
 * Node's resolver prints IPv4-compatible addresses in that form. A zone index ("fe80::1%eth0") has no
 * URL spelling, so it is refused.
 */
function parseAddress(text: string): Address | null {
  if (ipaddr.IPv4.isValid(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return null;
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${text}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
const NAT64_LOCAL_USE = ipaddr.parseCIDR('64:ff9b:1::/48');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

/**
 * The IPv4 address an IPv6 address stands for, where its form carries one: IPv4-mapped
 * `::ffff:a.b.c.d`, NAT64's well-known prefix `64:ff9b::a.b.c.d` (RFC 6052) and 6to4
 * `2002:aabb:ccdd::/48` (RFC 3056). null for forms refused whatever they carry: IPv4-compatible
 * `::a.b.c.d` (deprecated by RFC 4291; some stacks still send it to the IPv4 address) and NAT64's
 * local-use prefix `64:ff9b:1::/48` (RFC 8215), where each network chooses where the IPv4 address
 * sits. undefined for every other IPv6 address.
 */
function carriedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  if (ip.match(IPV4_COMPATIBLE) || ip.match(NAT64_LOCAL_USE)) return null;
  if (ip.match(NAT64_WELL_KNOWN)) return ipv4From(ip.parts[6]!, ip.parts[7]!);
  if (ip.match(SIX_TO_FOUR)) return ipv4From(ip.parts[1]!, ip.parts[2]!);
  return undefined;
}

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Cloud metadata endpoints (AWS, GCP, Azure all use the first; AWS IPv6 the second). */
const METADATA_ADDRESSES = new Set([
  ipaddr.parse('169.254.169.254').toNormalizedString(),
  ipaddr.parse('fd00:ec2::254').toNormalizedString(),
]);

/** Host names that reach a metadata service from inside a cloud VM, whatever DNS says. */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

export function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(hostname.toLowerCase().replace(/\.$/, ''));
}

/** An admin-allowed internal host: `host` alone allows every port, `host:port` one port. */
export interface AllowedHost {
  host: string;
  port?: number;
}

/** Parses `ALLOWED_INTERNAL_HOSTS`: a comma- or space-separated list of host[:port], IPv6 in brackets. */
export function parseAllowedHosts(text: string | undefined): AllowedHost[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim());
      if (!match) throw new Error(`not a host[:port]: ${entry}`);
      return { host: normaliseHost(match[1]), port: match[2] ? Number(match[2]) : undefined };
    });
}

/** Lower-case, brackets off, IP literals in one canonical spelling so "127.1" matches "127.0.0.1". */
export function normaliseHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const address = parseAddress(bare);
  if (address) return address.toString();
  try {
    return new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return bare;
  }
}

export function isAllowedHost(allowed: readonly AllowedHost[], hostname: string, port: number): boolean {
  const host = normaliseHost(hostname);
  return allowed.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));
}
