export { safeFetch, checkUrl, checkDestination, type SafeFetchOptions, type SafeResponse } from './safe-fetch';
export { OutboundError, type OutboundErrorCode } from './outbound-error';
export { parseAllowedHosts, isPublicAddress, type AllowedHost } from './address-policy';
export { systemResolver, type Resolver, type ResolvedAddress } from './guarded-lookup';
