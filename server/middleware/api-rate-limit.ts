import type { RequestHandler } from 'express';
import type { Limit } from '../rate-limits';
import { apiPrincipal } from './api-key-auth';
import { HttpError } from './errors';

/**
 * The per-key limit, counted in the database so every process counts together. Headers follow the
 * IETF RateLimit fields draft: Limit, Remaining, and Reset in seconds; a refusal adds Retry-After.
 */
export function perKeyRateLimit(limit: Limit): RequestHandler {
  return async (_req, res, next) => {
    const { keyId } = apiPrincipal(res);
    const verdict = await limit.take(String(keyId));
    const resetSeconds = Math.max(1, Math.ceil(verdict.resetMs / 1000));
    res.setHeader('RateLimit-Limit', String(verdict.limit));
    res.setHeader('RateLimit-Remaining', String(verdict.remaining));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (!verdict.allowed) {
      res.setHeader('Retry-After', String(resetSeconds));
      throw new HttpError(429, `Too many requests for this key: ${verdict.limit} a minute. Retry after ${resetSeconds} s.`, 'rate_limited');
    }
    next();
  };
}
