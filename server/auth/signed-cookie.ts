import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The value is `s:<sid>.<HMAC-SHA256 of sid, base64 without padding>`, as express-session writes it. */
export function sign(sid: string, secret: string): string {
  return `s:${sid}.${crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/** The decoded value of cookie `name`, or undefined when it is missing or not decodable. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The session id in a signed value, or undefined when the signature does not match. */
function verifiedSid(value: string, secret: string): string | undefined {
  const dot = value.lastIndexOf('.');
  if (!value.startsWith('s:') || dot < 0) return undefined;
  const sid = value.slice(2, dot);
  const expected = Buffer.from(sign(sid, secret));
  const given = Buffer.from(value);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? sid : undefined;
}

const REMEMBERED_VALUES = 10_000;

/**
 * Reads the session id from a request's signed cookie `name` (undefined when it is missing or
 * forged), remembering the values whose signature checked out: a browser sends the same value on
 * every request, and the HMAC is a fair share of a page's CPU. Only genuine values are kept, so
 * forged cookies cannot fill the memory; the oldest goes first. Whether the session still exists
 * is the store's business, asked on every request.
 */
export function sessionIdReader(name: string, secret: string): (headers: IncomingHttpHeaders) => string | undefined {
  const verified = new Map<string, string>();
  return (headers) => {
    const value = cookieValue(headers.cookie, name);
    if (value === undefined) return undefined;
    const known = verified.get(value);
    if (known !== undefined) return known;
    const sid = verifiedSid(value, secret);
    if (sid === undefined) return undefined;
    if (verified.size >= REMEMBERED_VALUES) verified.delete(verified.keys().next().value as string);
    verified.set(value, sid);
    return sid;
  };
}
