import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { descriptionsFor } from '../../db/descriptions';
import { findBatch } from '../../db/batches';
import { findImage } from '../../db/images';
import { readStoredOptions } from '../ingest/options';
import { workingCopy } from '../results';
import type { WorkspaceContext } from '../../workspaces/context';
import { embedMetadata, fieldsOf } from '.';

/**
 * The kept working copy (the re-encoded JPEG Sightline stores, never the upload) with the current
 * text written in, made in memory for this download. Where the workspace requires approval, only
 * approved text leaves this way.
 */
export async function workingCopyWithText(deps: Deps, workspace: WorkspaceContext, imageId: string): Promise<{ bytes: Buffer; filename: string }> {
  const image = await findImage(deps.db, workspace.id, imageId);
  const file = image ? await workingCopy(deps, workspace.id, imageId) : undefined;
  if (!image || !file) throw new HttpError(404, 'This image is not kept any more (or never was), so there is no file to download; its text is still on its page.', 'not_found');
  const description = (await descriptionsFor(deps.db, workspace.id, [imageId])).get(imageId);
  if (!description) throw new HttpError(409, 'This image has no text yet.', 'not_described');
  if (workspace.approvalRequired && image.approval !== 'approved') throw new HttpError(409, 'This text is not approved yet, so it is not published in files.', 'not_approved');
  const batch = await findBatch(deps.db, workspace.id, image.batch_id);
  const language = readStoredOptions(batch?.options_json).language;
  const tags = JSON.parse(description.tags_json || '[]') as string[];
  return { bytes: embedMetadata(file.bytes, fieldsOf({ ...description, tags }, language)), filename: file.filename };
}
