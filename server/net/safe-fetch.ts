import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isAllowedHost, isMetadataHostname, isPublicAddress, type AllowedHost } from './address-policy';
import { guardedLookup, systemResolver, type Resolver } from './guarded-lookup';
import { OutboundError } from './outbound-error';

export interface SafeFetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** 0: a redirect is returned as the answer, never followed (webhooks). */
  maxRedirects: number;
  maxBytes: number;
  /** For the whole exchange, every hop included. */
  timeoutMs: number;
  allowedHosts: readonly AllowedHost[];
  resolve?: Resolver;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

const FOLLOWED = new Set([301, 302, 303, 307, 308]);
/** Credentials never travel to another origin on a redirect. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Fetches a URL a user gave us without letting it reach inside the network:
 * http(s) only, no userinfo, every address checked at connect time, redirects followed by hand with
 * the same checks, a byte cap and a deadline. Admin-allowed internal hosts skip the address check.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeResponse> {
  const deadline = Date.now() + options.timeoutMs;
  let current = checkUrl(url, options.allowedHosts);
  let method = options.method ?? 'GET';
  let body = options.body;
  const headers = { ...(options.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(current, { ...options, method, body, headers }, deadline);
    const location = response.headers.location;
    if (options.maxRedirects === 0 || !FOLLOWED.has(response.status) || !location) return response;
    if (hop >= options.maxRedirects) throw new OutboundError(`more than ${options.maxRedirects} redirects`, 'too_many_redirects');
    const next = checkUrl(resolveLocation(location, current), options.allowedHosts);
    if (next.origin !== current.origin) for (const name of ORIGIN_BOUND_HEADERS) deleteHeader(headers, name);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      deleteHeader(headers, 'content-type');
    }
    current = next;
  }
}

function resolveLocation(location: string, base: URL): string {
  try {
    return new URL(location, base).toString();
  } catch {
    throw new OutboundError('the redirect location is not a valid URL', 'invalid_url');
  }
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key];
}

/** The checks that need no DNS; the WHATWG parser has already turned 0x7f.1 or 2130706433 into 127.0.0.1. */
export function checkUrl(text: string, allowed: readonly AllowedHost[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundError('not a valid URL', 'invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('only http and https URLs are allowed', 'invalid_url');
  if (url.username || url.password) throw new OutboundError('URLs with a user name or password are not allowed', 'invalid_url');
  const host = bareHost(url);
  if (isAllowedHost(allowed, host, portOf(url))) return url;
  if (isMetadataHostname(host)) throw new OutboundError('metadata addresses are not allowed', 'address_refused');
  if (net.isIP(host) && !isPublicAddress(host)) throw new OutboundError('private, loopback and reserved addresses are not allowed', 'address_refused');
  return url;
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

interface HopOptions extends SafeFetchOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
}

function requestOnce(url: URL, options: HopOptions, deadline: number): Promise<SafeResponse> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new OutboundError('the request timed out', 'timeout'));
  const allowed = isAllowedHost(options.allowedHosts, bareHost(url), portOf(url));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: options.method,
      headers: options.headers,
      // A fresh connection per request: a pooled socket would skip the connect-time check.
      agent: false,
      lookup: guardedLookup(options.resolve ?? systemResolver, allowed),
    });
    const fail = (err: OutboundError) => {
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new OutboundError('the request timed out', 'timeout')), remaining);
    req.on('error', (err) => fail(err instanceof OutboundError ? err : new OutboundError(`could not connect to ${url.host}`, 'network')));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > options.maxBytes) return fail(new OutboundError(`the answer is larger than ${options.maxBytes} bytes`, 'too_large'));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return fail(new OutboundError(`the answer is larger than ${options.maxBytes} bytes`, 'too_large'));
        chunks.push(chunk);
      });
      res.on('error', () => fail(new OutboundError(`the connection to ${url.host} broke`, 'network')));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.toString() });
      });
    });
    req.end(options.body);
  });
}

/**
 * Checks a destination before saving it (a webhook endpoint), so the user hears at once that it is
 * refused. Not a substitute for the connect-time check: the answer may change before we connect.
 */
export async function checkDestination(text: string, allowed: readonly AllowedHost[], resolve: Resolver = systemResolver): Promise<URL> {
  const url = checkUrl(text, allowed);
  const host = bareHost(url);
  if (net.isIP(host) || isAllowedHost(allowed, host, portOf(url))) return url;
  let answers;
  try {
    answers = await resolve(host);
  } catch {
    throw new OutboundError(`${host} does not resolve`, 'dns_failed');
  }
  if (answers.length === 0) throw new OutboundError(`${host} does not resolve`, 'dns_failed');
  if (answers.some((a) => !isPublicAddress(a.address))) throw new OutboundError(`${host} resolves to a private or reserved address`, 'address_refused');
  return url;
}
