import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { findImage } from '../../db/images';
import { discardUploads, type PreparedUpload } from '../ingest';
import { regenerateImage } from './control';
import type { DescribeOptions } from '../../describers/types';

/**
 * "Describe again" for an image whose working copy retention already deleted: the person brings the
 * file again. It must be the same image (its working copy's SHA-256 matches the one first made), so
 * a description never lands on the wrong picture; it is then kept and described as any other.
 */
export async function describeAgainWithFile(
  deps: Deps, userId: number, imageId: string, uploads: PreparedUpload[], options: Partial<DescribeOptions>, replaceEdits: boolean,
): Promise<{ batchId: string; keepsEdits: boolean }> {
  const image = await findImage(deps.db, userId, imageId);
  try {
    if (!image) throw new HttpError(404, 'We could not find that image.', 'not_found');
    const upload = uploads[0];
    if (!upload) throw new HttpError(400, 'Choose the image file to describe it again.', 'no_files');
    if (upload.status === 'refused') throw new HttpError(400, upload.error, 'refused_file');
    if (image.blob_key) throw new HttpError(409, 'This image is still stored: use "Describe again" without a file.', 'still_stored');
    const batch = await deps.db('batches').where({ id: image.batch_id }).first('zero_retention');
    if (batch?.zero_retention) throw new HttpError(409, 'This image was described without storing it; upload it as a new image instead.', 'zero_retention');
    if (image.sha256 && upload.facts.sha256 !== image.sha256) {
      throw new HttpError(400, `This file is not the image “${image.original_name}” was made from. Upload it as a new image instead.`, 'different_file');
    }
    const now = deps.clock.now().getTime();
    const taken = await deps.db('images').where({ id: imageId, user_id: userId }).whereNull('blob_key').update({ blob_key: upload.blobKey, expires_at: null, updated_at: now });
    if (taken !== 1) throw new HttpError(409, 'This image was given its file again meanwhile.', 'still_stored');
  } catch (err) {
    await discardUploads(deps, uploads);
    throw err;
  }
  return regenerateImage(deps, userId, imageId, options, { replaceEdits });
}
