import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bearer-key API requests carry no cookies, so there is nothing to forge. */
export function isApiV1(path: string): boolean {
  return path === '/api/v1' || path.startsWith('/api/v1/');
}

/** The session's token, created on first use (so plain visits do not create sessions). */
export function csrfTokenFor(req: Request): string {
  if (!req.session) return '';
  req.session.csrfToken ??= crypto.randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Refuses state-changing requests without the session's token: form field `_csrf`, header
 * `x-csrf-token`, or query `_csrf` (multipart bodies are parsed later, by the upload route).
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method) || isApiV1(req.path)) return next();
  const body = req.body as Record<string, unknown> | undefined;
  const given = body?._csrf ?? req.get('x-csrf-token') ?? req.query._csrf;
  const expected = req.session?.csrfToken;
  if (!expected || typeof given !== 'string' || !sameToken(expected, given)) {
    return next(new HttpError(403, 'This form has expired. Go back, reload the page and try again.', 'csrf'));
  }
  next();
};
