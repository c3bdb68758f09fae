import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Deps } from '../deps';

/** An error whose message is safe to show the user, with the status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'error',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'Not found', 'not_found'));
};

/** One place that turns errors into answers; nothing internal ever reaches the client. */
export function errorHandler(deps: Deps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = err instanceof HttpError ? err.status : Number(err?.status ?? err?.statusCode) || 500;
    const safe = status < 500 && (err instanceof HttpError || err?.expose === true);
    const message = safe ? String(err.message) : status === 404 ? 'Not found' : 'Something went wrong on our side.';
    if (status >= 500) deps.logger.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json' || req.path.startsWith('/api/')) {
      res.json({ error: { code: err instanceof HttpError ? err.code : status === 404 ? 'not_found' : 'error', message } });
      return;
    }
    res.type('text/plain').send(message);
  };
}
