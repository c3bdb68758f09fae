import ipaddr from 'ipaddr.js';

/**
 * Which addresses an outgoing request (webhook, image URL) may reach.
 * Only globally routable unicast passes: ipaddr.js names every special range, and anything it
 * names (private, loopback, link-local, unique-local, multicast, unspecified, carrier-grade NAT,
 * reserved, NAT64, 6to4, Teredo…) is refused. IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString())) return false;
  return parsed.range() === 'unicast';
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
  if (ipaddr.isValid(bare)) return ipaddr.parse(bare).toString();
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
