import ipaddr from 'ipaddr.js';
import type { Config } from '../../config';
import type { ProviderRetention } from '../../describers/types';

/** Where images go to be described, in words a user can check. */
export interface ImageDestination {
  /** true when image bytes leave this machine and its network */
  offMachine: boolean;
  /** "on this server", or the provider's host name */
  label: string;
  host: string | null;
  /** What the provider keeps on its side; only when images leave this machine. */
  providerRetention?: ProviderRetention;
}

const DEFAULT_OPENAI_HOST = 'api.openai.com';
/**
 * OpenAI's API data policy (platform.openai.com/docs/guides/your-data): inputs and outputs are kept
 * up to 30 days for abuse monitoring unless the organisation has zero data retention. Other hosts
 * publish nothing Sightline can read, so only the admin can say what they keep.
 */
const OPENAI_RETENTION = 'OpenAI keeps API inputs up to 30 days for abuse monitoring unless zero data retention is arranged with them.';
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

/**
 * The local describer never sends an image anywhere. An OpenAI-compatible server counts as local
 * when its address is loopback or on a private network (Ollama, vLLM on the same machine or LAN);
 * any other host is named, because that is where the images go.
 */
export function imageDestination(config: Config): ImageDestination {
  if (config.describer === 'local') return { offMachine: false, label: 'on this server', host: null };
  const hosts = config.openai.baseUrls.length ? config.openai.baseUrls.map((url) => new URL(url).hostname.replace(/^\[|\]$/g, '')) : [DEFAULT_OPENAI_HOST];
  // Several model servers: images leave this machine when any of them is elsewhere, and every such host is named.
  const away = [...new Set(hosts.filter((host) => !isLocalHost(host)))];
  if (away.length === 0) return { offMachine: false, label: 'on this server', host: hosts[0]! };
  const known = away.every((host) => host.toLowerCase().replace(/\.$/, '') === DEFAULT_OPENAI_HOST) ? OPENAI_RETENTION : null;
  const label = away.join(', ');
  return { offMachine: true, label, host: label, providerRetention: { known, stated: config.openai.providerRetention ?? null } };
}

function isLocalHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (LOCAL_NAMES.has(name) || name.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(name)) return false;
  let address = ipaddr.parse(name);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  return ['loopback', 'private', 'uniqueLocal', 'linkLocal', 'carrierGradeNat'].includes(address.range());
}
