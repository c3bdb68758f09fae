import express from 'express';
import type { Deps } from '../../../deps';
import { keyWorkspace } from '../../../middleware/api-key-auth';
import { HttpError } from '../../../middleware/errors';
import { oneFileInMemory } from '../../../middleware/one-file-in-memory';
import { mediaTypeOf } from '../../../services/embed-metadata';
import { describeIntoFile, inMemoryFailure } from '../../../services/embed-metadata/from-upload';
import { attachmentDisposition } from '../../web/export-response';

/** `POST /embed-file`: one multipart image described in memory and answered with the text inside it; nothing is stored. */
export function embedFileRoutes(deps: Deps): express.Router {
  const router = express.Router();
  router.post('/embed-file', oneFileInMemory(deps), async (req, res) => {
    if (!req.file) throw new HttpError(400, 'Send the image as a multipart part named image.', 'no_file');
    const parts = await describeIntoFile(deps, keyWorkspace(res), req.file.buffer, 'api').catch((err: unknown) => { throw inMemoryFailure(err); });
    res.set({ 'Content-Type': mediaTypeOf(req.file.buffer), 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': attachmentDisposition(req.file.originalname || 'image'), 'Cache-Control': 'no-store' });
    res.send(Buffer.concat(parts));
  });
  return router;
}
