/** Why an outgoing request was refused or failed; `message` is safe to show the user. */
export type OutboundErrorCode =
  | 'invalid_url'
  | 'address_refused'
  | 'dns_failed'
  | 'too_many_redirects'
  | 'too_large'
  | 'timeout'
  | 'network';

export class OutboundError extends Error {
  constructor(
    message: string,
    readonly code: OutboundErrorCode,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}
