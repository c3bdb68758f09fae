import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { BlobStoreUnavailableError } from '../storage';

export interface HttpErrorOptions {
  /** Sent as Retry-After (seconds) with 429 and 503 answers. */
  retryAfterSeconds?: number;
}

/** An error whose message is safe to show the user, with the status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'error',
    readonly options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'We could not find that page.', 'not_found'));
};

const TITLES: Record<number, string> = {
  400: 'That request did not work',
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Page not found',
  413: 'Too large',
  429: 'Too many attempts',
  503: 'Busy right now',
};

/** API paths, and pages fetched by our own scripts (they send Accept: application/json), are answered in JSON. */
export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

function renderPage(res: Response, status: number, message: string, deps: Deps): void {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'That request did not work');
  res.render('errors/error', { title, status, message, requestId: res.req.id ?? '' }, (err, html) => {
    if (err) {
      deps.logger.error({ err }, 'error page failed to render');
      res.type('text/plain').send(message);
      return;
    }
    res.type('html').send(html);
  });
}

/** Said when the blob store is down; the store's own reason (bucket, S3 error code) goes to the log. */
export function storageUnavailable(deps: Deps, err: BlobStoreUnavailableError, nothingDone: string): HttpError {
  deps.logger.error({ err }, 'blob store unavailable');
  return new HttpError(503, `Image storage cannot be reached right now. ${nothingDone} Please try again in a few minutes.`, 'storage_unavailable', { retryAfterSeconds: 60 });
}

/** One place that turns errors into answers; nothing internal (no stack, no SQL) ever reaches the client. */
export function errorHandler(deps: Deps): ErrorRequestHandler {
  return (caught, req, res, _next) => {
    const err = caught instanceof BlobStoreUnavailableError ? storageUnavailable(deps, caught, 'Nothing was changed.') : caught;
    const status = err instanceof HttpError ? err.status : Number(err?.status ?? err?.statusCode) || 500;
    // Our own HttpErrors carry messages written for the user (a 503 "busy" included); anything else
    // at 500 and above is unexpected, so it is logged and its message kept back.
    const safe = err instanceof HttpError || (status < 500 && err?.expose === true);
    const message = safe
      ? String(err.message)
      : status === 404
        ? 'We could not find that page.'
        : status >= 500
          ? 'Something went wrong on our side. It has been logged; please try again.'
          : 'That request did not work.';
    if (status >= 500 && !(err instanceof HttpError)) deps.logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(status);
    const retryAfter = err instanceof HttpError ? err.options.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    // An EventSource shows no page: a refused progress stream gets its reason as plain text.
    if (req.accepts(['html', 'json', 'text/event-stream']) === 'text/event-stream') {
      res.type('text/plain').send(message);
      return;
    }
    if (wantsJson(req)) {
      const code = err instanceof HttpError ? err.code : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'error';
      res.json({ error: { code, message } });
      return;
    }
    renderPage(res, status, message, deps);
  };
}
