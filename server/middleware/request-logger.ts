import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * One log line per request with a request id (also sent back as X-Request-Id). Only method, path
 * (no query string: it can hold tokens), status and time: never headers, cookies or bodies.
 * Written by hand rather than with a per-request child logger: it runs on every request, and the
 * line is all we need.
 */
export function requestLogger(logger: Logger): RequestHandler {
  // The line's fields are fixed and hold nothing to redact, so it skips the redaction pass.
  const log = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    // 'close' comes for finished and for abandoned responses alike; writableFinished tells them apart.
    res.once('close', () => {
      const line = {
        req: { id, method: req.method, path: req.originalUrl.split('?')[0] },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) log.warn(line, 'request aborted');
      // 503 is a deliberate "busy" answer (e.g. during a login flood), not a fault.
      else if (res.statusCode >= 500 && res.statusCode !== 503) log.error(line, 'request failed');
      else log.info(line, 'request completed');
    });
    next();
  };
}
