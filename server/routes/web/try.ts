import { Router, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../deps';
import type { Description } from '../../describers/types';
import type { RateLimits } from '../../rate-limits';
import { csrfTokenFor } from '../../middleware/csrf';
import { HttpError } from '../../middleware/errors';
import { multipart } from '../../middleware/upload';
import { BusyError } from '../../services/zero-retention';
import { describeAnonymously, AnonymousDescribeError } from '../../services/zero-retention/anonymous';
import { RefusedImageError } from '../../services/ingest/prepare';
import { instancePrivacy } from '../../services/privacy/instance';

/** The public "describe one image" page: no account, held in memory only, nothing stored. */
export function tryRoutes(deps: Deps, limits: RateLimits): Router {
  const router = Router();
  const parse = multipart({ storage: multer.memoryStorage(), limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 5 } }).single('image');
  const mb = deps.config.maxUploadBytes / 1024 / 1024;
  const page = (req: Request, res: Response, locals: { error?: string; result?: Description }): void => {
    csrfTokenFor(req);
    const { destination } = deps.describer;
    res.render('try/show', { title: 'Describe one image', error: locals.error ?? null, result: locals.result ?? null, destination, maxMb: mb });
  };

  const enabled: RequestHandler = async (_req, _res, next) => {
    next((await instancePrivacy(deps)).publicDescribePage ? undefined : new HttpError(404, 'We could not find that page.', 'not_found'));
  };
  // Describes per address per window: enough to try it, too few to run a service on.
  const limited: RequestHandler = async (req, res, next) => {
    const verdict = await limits.tryPerIp.take(req.ip ?? 'unknown');
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.resetMs / 1000));
      res.status(429).set('Retry-After', String(seconds));
      return page(req, res, { error: `You have described ${verdict.limit} images in the last hour from this address. Try again in ${Math.ceil(seconds / 60)} minutes.` });
    }
    next();
  };
  const parseOne: RequestHandler = (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      res.status(413);
      page(req, res, { error: `Choose one image of at most ${mb} MB. Nothing was kept.` });
    });

  router.get('/try', enabled, (req, res) => page(req, res, {}));

  router.post('/try', enabled, limited, parseOne, async (req, res) => {
    if (!req.file) return page(req, res.status(400), { error: 'Choose an image to describe.' });
    try {
      page(req, res, { result: await describeAnonymously(deps, req.file.buffer) });
    } catch (err) {
      if (err instanceof BusyError) return page(req, res.status(503).set('Retry-After', String(err.retryAfterSeconds)), { error: err.message });
      if (err instanceof RefusedImageError) return page(req, res.status(415), { error: `${err.message} Nothing was kept.` });
      if (err instanceof AnonymousDescribeError) return page(req, res.status(502), { error: err.message });
      throw err;
    }
  });
  return router;
}

