import { Router, RequestHandler } from 'express';
import multer from 'multer';
import type { Deps } from '../../deps';
import { requireUser } from '../../middleware/auth';
import { requireDescriberConsent } from '../../middleware/describer-consent';
import { HttpError } from '../../middleware/errors';
import { describeWithoutStoring, BusyError, ZERO_RETENTION_CAPACITY } from '../../services/zero-retention';
import { instancePrivacy } from '../../services/privacy/instance';

/** Uploads that are described from memory: multer keeps the files in RAM, never on disk. */
export function zeroRetentionRoutes(deps: Deps): Router {
  const router = Router();
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.maxUploadBytes, files: ZERO_RETENTION_CAPACITY, fields: 40, fieldSize: 16 * 1024 },
  }).array('images', ZERO_RETENTION_CAPACITY);
  const parseFiles: RequestHandler = (req, res, next) =>
    parse(req, res, (err?: unknown) => next(err ? new HttpError(413, `At most ${ZERO_RETENTION_CAPACITY} images of ${deps.config.maxUploadBytes / 1024 / 1024} MB each. Nothing was kept.`, 'upload_limit') : undefined));

  router.post('/images/zero-retention', requireUser, requireDescriberConsent(deps), parseFiles, async (req, res) => {
    const files = ((req.files ?? []) as Express.Multer.File[]).map((f) => ({ originalName: f.originalname, bytes: f.buffer }));
    if (files.length === 0) throw new HttpError(400, 'Choose at least one image to upload.', 'no_files');
    try {
      const { batchId } = await describeWithoutStoring(deps, req.user!.id, files, req.body as Record<string, unknown>);
      res.redirect(303, `/batches/${batchId}`);
    } catch (err) {
      if (!(err instanceof BusyError)) throw err;
      // Said plainly, with when to come back; the error handler would hide a 5xx message.
      res.status(503).set('Retry-After', String(err.retryAfterSeconds)).type('text/plain').send(err.message);
    }
  });
  return router;
}

/**
 * When the admin makes zero retention the only mode, uploads to the storing endpoint are sent, body
 * and all (307 keeps method and body), to the in-memory one before anything is parsed or stored.
 */
export function zeroRetentionOnlyGate(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    if (!(await instancePrivacy(deps)).zeroRetentionOnly) return next();
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(307, `/images/zero-retention${query}`);
  };
}
