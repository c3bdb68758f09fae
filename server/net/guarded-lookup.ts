import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy';
import { OutboundError } from './outbound-error';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Turns a host name into addresses; tests inject one whose answers change between calls. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for http(s).request that checks every address the resolver returns at the moment the
 * socket connects, so an answer that changes after an earlier check (DNS rebinding) is still refused.
 * One bad address refuses the whole answer: the client could otherwise fall through to it.
 */
export function guardedLookup(resolve: Resolver, skipCheck: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((answers) => {
        const family = typeof options === 'object' && options ? options.family : undefined;
        const candidates = answers.filter((a) => !family || a.family === family);
        if (candidates.length === 0) throw new OutboundError(`${hostname} does not resolve`, 'dns_failed');
        if (!skipCheck && candidates.some((a) => !isPublicAddress(a.address))) {
          throw new OutboundError(`${hostname} resolves to a private or reserved address`, 'address_refused');
        }
        if (typeof options === 'object' && options?.all) {
          (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, candidates);
        } else {
          callback(null, candidates[0].address, candidates[0].family);
        }
      })
      .catch((err: unknown) => {
        const error = err instanceof OutboundError ? err : new OutboundError(`${hostname} does not resolve`, 'dns_failed');
        callback(error as NodeJS.ErrnoException, '', 0);
      });
  };
}
