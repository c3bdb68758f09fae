import type { Deps } from '../../deps';
import { OutboundError, safeFetch, type Resolver, type SafeResponse } from '../../net';

/** One REST call; a slow site gets this long before the call counts as failed. */
const CALL_TIMEOUT_MS = 20_000;
/** A page of 100 media items with their rendered captions stays well under this. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface Credentials {
  siteUrl: string;
  userLogin: string;
  password: string;
}

/** Why a call to a WordPress site failed, in words a person can act on; `retryable` for transient ones. */
export class WordPressError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'unauthorized' | 'forbidden' | 'not_found' | 'server' | 'bad_answer' | 'refused',
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WordPressError';
  }

  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server';
  }
}

export interface WpAnswer<T> {
  body: T;
  headers: SafeResponse['headers'];
}

/**
 * Calls a site's REST API as the connected account (or anonymously, given only the address) (HTTP Basic with the Application Password),
 * through the outgoing-address guard: a site inside the network needs ALLOWED_INTERNAL_HOSTS.
 */
export async function wpCall<T>(
  deps: Pick<Deps, 'config'>,
  creds: Credentials | Pick<Credentials, 'siteUrl'>,
  method: 'GET' | 'POST',
  route: string,
  body?: Record<string, unknown>,
  resolve?: Resolver,
): Promise<WpAnswer<T>> {
  let res: SafeResponse;
  try {
    res = await safeFetch(`${creds.siteUrl}/wp-json${route}`, {
      method,
      maxRedirects: method === 'GET' ? 3 : 0,
      maxBytes: MAX_ANSWER_BYTES,
      timeoutMs: CALL_TIMEOUT_MS,
      allowedHosts: deps.config.allowedInternalHosts,
      headers: {
        ...('password' in creds ? { authorization: `Basic ${Buffer.from(`${creds.userLogin}:${creds.password}`).toString('base64')}` } : {}),
        accept: 'application/json',
        'user-agent': 'Sightline/1 (WordPress)',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      resolve,
    });
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    if (err.code === 'timeout') throw new WordPressError(`The site did not answer within ${CALL_TIMEOUT_MS / 1000} seconds.`, 'timeout');
    if (err.code === 'address_refused' || err.code === 'invalid_url') throw new WordPressError(`Sightline may not call this address: ${err.message}. An administrator can allow it with ALLOWED_INTERNAL_HOSTS.`, 'refused');
    throw new WordPressError(`The site could not be reached: ${err.message}.`, 'unreachable');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (res.status >= 200 && res.status < 300) {
    if (parsed === undefined) throw new WordPressError('The site answered, but not with the WordPress REST API (is it a WordPress site, with /wp-json reachable?).', 'bad_answer', res.status);
    return { body: parsed as T, headers: res.headers };
  }
  const code = typeof (parsed as { code?: unknown })?.code === 'string' ? (parsed as { code: string }).code : undefined;
  const said = typeof (parsed as { message?: unknown })?.message === 'string' ? ` WordPress said: “${(parsed as { message: string }).message.slice(0, 200)}”` : '';
  if (res.status === 401) throw new WordPressError(`The site refused the sign-in (401).${said}`, 'unauthorized', 401, code);
  if (res.status === 403) throw new WordPressError(`The account may not do this (403).${said}`, 'forbidden', 403, code);
  if (res.status === 404 || res.status === 410) throw new WordPressError(`Not found on the site (${res.status}).${said}`, 'not_found', res.status, code);
  if (res.status >= 500 || res.status === 429) throw new WordPressError(`The site had an error (${res.status}).${said}`, 'server', res.status, code);
  throw new WordPressError(`The site answered ${res.status}.${said}`, 'bad_answer', res.status, code);
}
