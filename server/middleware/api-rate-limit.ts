import type { RequestHandler } from 'express';
import type { Clock } from '../clock';
import { apiPrincipal } from './api-key-auth';
import { HttpError } from './errors';

const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per key, in memory (one process serves the API). Headers follow the
 * IETF RateLimit fields draft: Limit, Remaining, and Reset in seconds; a refusal adds Retry-After.
 */
export function perKeyRateLimit(limit: number, clock: Clock): RequestHandler {
  const windows = new Map<number, { start: number; count: number }>();
  return (_req, res, next) => {
    const { keyId } = apiPrincipal(res);
    const now = clock.now().getTime();
    let window = windows.get(keyId);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 };
      windows.set(keyId, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - window.count)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (window.count > limit) {
      res.setHeader('Retry-After', String(resetSeconds));
      throw new HttpError(429, `Too many requests for this key: ${limit} a minute. Retry after ${resetSeconds} s.`, 'rate_limited');
    }
    next();
  };
}
