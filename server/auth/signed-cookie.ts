import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The value is `s:<sid>.<HMAC-SHA256 of sid, base64 without padding>`, as express-session writes it. */
export function sign(sid: string, secret: string): string {
  return `s:${sid}.${crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/** The session id from the request's signed cookie `name`, or undefined when it is missing or forged. */
export function sidFromCookie(headers: IncomingHttpHeaders, name: string, secret: string): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
    const dot = value.lastIndexOf('.');
    if (!value.startsWith('s:') || dot < 0) return undefined;
    const sid = value.slice(2, dot);
    const expected = Buffer.from(sign(sid, secret));
    const given = Buffer.from(value);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? sid : undefined;
  }
  return undefined;
}
