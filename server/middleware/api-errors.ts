import crypto from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { HttpError, storageUnavailable } from './errors';
import { BlobStoreUnavailableError } from '../storage';

/** Every API answer carries an id the client can quote; errors repeat it in the body. */
export const assignRequestId: RequestHandler = (_req, res, next) => {
  const id = `req_${crypto.randomBytes(12).toString('base64url')}`;
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'No such endpoint.', 'not_found'));
};

/** Body-parser and multer errors carry a type or code; turn the common ones into plain API errors. */
function classify(err: unknown, deps: Deps): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof BlobStoreUnavailableError) return storageUnavailable(deps, err, 'Nothing was changed.');
  const e = err as { type?: string; code?: string; status?: number; message?: string; name?: string };
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return new HttpError(413, 'The request body is too large.', 'payload_too_large');
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'The body is not valid JSON.', 'invalid_json');
  if (e?.name === 'MulterError') return new HttpError(400, `The upload is not acceptable: ${e.message}.`, 'invalid_upload');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new HttpError(415, 'Unsupported body encoding.', 'unsupported_media_type');
  return undefined;
}

/** The one error shape of the API: `{ error: { code, message, request_id } }`. */
export function apiErrorHandler(deps: Deps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = classify(err, deps);
    const status = known?.status ?? 500;
    if (!known) deps.logger.error({ err, url: req.originalUrl, requestId: requestIdOf(res) }, 'api request failed');
    if (res.headersSent) return;
    // Ours, written for the client: a 503 "storage unreachable" or "busy" says what to do next.
    const retryAfter = known?.options.retryAfterSeconds;
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(status).json({
      error: {
        code: known?.code ?? 'internal_error',
        message: known ? known.message : 'Something went wrong on our side.',
        request_id: requestIdOf(res),
      },
    });
  };
}
