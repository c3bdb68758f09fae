import type { RequestHandler } from 'express';
import multer from 'multer';
import type { Deps } from '../deps';
import { HttpError } from './errors';
import { multipart } from './upload';

/**
 * One multipart `image` part held in memory only (never a temporary file), for "return my file with
 * the text written in": too large or a second file answers 413, and nothing is kept either way.
 */
export function oneFileInMemory(deps: Deps): RequestHandler {
  const oneFile = multipart({ storage: multer.memoryStorage(), limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 5 } }).single('image');
  return (req, res, next) =>
    oneFile(req, res, (err?: unknown) => next(err ? new HttpError(413, `Choose one image of at most ${deps.config.maxUploadBytes / 1024 / 1024} MB. Nothing was kept.`, 'too_large') : undefined));
}
