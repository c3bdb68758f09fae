import { Router, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../deps';
import { requireRole, scopeOf } from '../../middleware/workspace';
import { requireDescriberConsent } from '../../middleware/describer-consent';
import { describeWithoutStoring, ZERO_RETENTION_CAPACITY } from '../../services/zero-retention';
import { multipart, uploadRefusal } from '../../middleware/upload';
import { sendToBatch, refusalsToForm } from './upload-answers';
import { instancePrivacy } from '../../services/privacy/instance';

/** Uploads that are described from memory: multer keeps the files in RAM, never on disk. */
export function zeroRetentionRoutes(deps: Deps): Router {
  const router = Router();
  const shape = { field: 'images', maxFiles: ZERO_RETENTION_CAPACITY };
  const parse = multipart({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.maxUploadBytes, files: shape.maxFiles, fields: 40, fieldSize: 16 * 1024 },
  }).array(shape.field, shape.maxFiles);
  const parseFiles: RequestHandler = (req, res, next) => parse(req, res, (err?: unknown) => next(err ? uploadRefusal(err, deps, shape) : undefined));

  router.post('/images/zero-retention', requireRole('contributor'), requireDescriberConsent(deps), parseFiles, async (req: Request, res: Response) => {
    const files = ((req.files ?? []) as Express.Multer.File[]).map((f) => ({ originalName: f.originalname, bytes: f.buffer }));
    const { batchId } = await describeWithoutStoring(deps, scopeOf(req), files, req.body as Record<string, unknown>);
    sendToBatch(req, res, batchId);
  }, refusalsToForm);
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
