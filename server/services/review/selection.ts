import type { Deps } from '../../deps';
import type { WorkspaceRole } from '../../workspaces/roles';
import { HttpError } from '../../middleware/errors';
import { listBatchImagesPage, listImages, setManyReviewed } from '../../db/images';
import { batchFilter, libraryFilter } from '../results';
import { findImages } from '../../db/retention';
import { deleteImageForUser } from '../data-rights/delete-content';
import { regenerateImage } from '../describe/control';
import { expireImageBlobs } from '../retention/expire-blobs';
import type { DescribeOptions } from '../../describers/types';

/** At most this many images in one bulk request: a page's worth many times over, and a bounded request. */
export const MAX_SELECTION = 1000;

export const BULK_ACTIONS = ['review', 'unreview', 'submit', 'approve', 'send_back', 'redescribe', 'delete', 'export_csv', 'export_json'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The least role each bulk action needs in the workspace. */
export const BULK_ACTION_ROLES: Record<BulkAction, WorkspaceRole> = {
  review: 'contributor', unreview: 'contributor', submit: 'contributor', redescribe: 'contributor',
  approve: 'editor', send_back: 'editor', delete: 'editor', export_csv: 'viewer', export_json: 'viewer',
};

const IMAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The image ids a bulk form sent: repeated `ids` fields (checkboxes) or one comma-separated value (the
 * confirmation page). Duplicates go; anything that is not an id is refused.
 */
export function parseSelection(body: Record<string, unknown>): string[] {
  const raw = body.ids;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [null]));
  if (values.some((v) => v === null || !IMAGE_ID.test(v.trim()))) throw new HttpError(400, 'The selection is not a list of images.', 'invalid_selection');
  const ids = [...new Set((values as string[]).map((v) => v.trim()))];
  if (ids.length === 0) throw new HttpError(400, 'Select at least one image first.', 'empty_selection');
  if (ids.length > MAX_SELECTION) throw new HttpError(400, `Select at most ${MAX_SELECTION} images at a time.`, 'selection_too_large');
  return ids;
}

export function parseBulkAction(value: unknown): BulkAction {
  const action = BULK_ACTIONS.find((a) => a === value);
  if (!action) throw new HttpError(400, 'Choose what to do with the selected images.', 'invalid_action');
  return action;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * "All images that match" instead of the ticked ones: the filter the page showed, sent back as `f_*`
 * fields (a batch's status and reviewed filters, or the library's). At most MAX_SELECTION of them.
 */
export async function matchingImageIds(deps: Deps, userId: number, body: Record<string, unknown>): Promise<string[]> {
  const batchId = text(body.f_batch);
  let ids: string[];
  if (batchId && body.f_scope === 'batch') {
    const filter = batchFilter({ status: text(body.f_status), reviewed: text(body.f_reviewed), flagged: text(body.f_flagged) });
    ids = (await listBatchImagesPage(deps.db, userId, batchId, filter, { limit: MAX_SELECTION + 1, offset: 0 })).map((image) => image.id);
  } else {
    const filter = libraryFilter({
      q: text(body.f_q), batch: batchId, status: text(body.f_status), reviewed: text(body.f_reviewed), edited: text(body.f_edited),
      describer: text(body.f_describer), flagged: text(body.f_flagged), from: text(body.f_from), to: text(body.f_to),
    });
    ids = (await listImages(deps.db, userId, filter, { limit: MAX_SELECTION + 1, offset: 0 })).map((image) => image.id);
  }
  if (ids.length === 0) throw new HttpError(400, 'No image matches that view any more.', 'empty_selection');
  if (ids.length > MAX_SELECTION) throw new HttpError(400, `More than ${MAX_SELECTION} images match: narrow the view first, or act on fewer at a time.`, 'selection_too_large');
  return ids;
}

/** The ids a bulk form chose: every image matching its view, or the ticked ones. */
export async function chosenImageIds(deps: Deps, userId: number, body: Record<string, unknown>): Promise<string[]> {
  return body.scope === 'matching' ? matchingImageIds(deps, userId, body) : parseSelection(body);
}

/** The selected ids that are this user's images (another account's ids are never acted on), in upload order. */
export async function ownImages(deps: Deps, userId: number, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
  const images = await findImages(deps.db, { userId, imageIds: [...ids] });
  return images.map((image) => ({ id: image.id, name: image.original_name }));
}

/** Marks the selected described images reviewed (or not); answers how many changed. */
export async function markSelectionReviewed(deps: Deps, userId: number, ids: readonly string[], reviewed: boolean): Promise<number> {
  const now = deps.clock.now().getTime();
  const changed = await setManyReviewed(deps.db, userId, ids, reviewed ? now : null, now);
  // Images kept "until reviewed" lose their working copies now, with their receipts.
  if (reviewed && changed > 0) await expireImageBlobs(deps, { userId });
  return changed;
}

/** Deletes the selected images as "Delete image" does each, receipts included; answers how many went. */
export async function deleteSelection(deps: Deps, userId: number, ids: readonly string[]): Promise<{ deleted: number; receipts: number }> {
  let deleted = 0;
  let receipts = 0;
  for (const id of ids) {
    const gone = await deleteImageForUser(deps, userId, id);
    if (!gone) continue;
    deleted += 1;
    receipts += gone.receipts;
  }
  return { deleted, receipts };
}

/**
 * Describes the selected images again, each as "Describe again" does (edits kept unless replaced); an
 * image whose working copy is gone, or that is not the user's, is counted as skipped.
 */
export async function redescribeSelection(
  deps: Deps, userId: number, ids: readonly string[], options: Partial<DescribeOptions>, replaceEdits: boolean,
): Promise<{ queued: number; skipped: number }> {
  let queued = 0;
  for (const id of ids) {
    try {
      await regenerateImage(deps, userId, id, options, { replaceEdits });
      queued += 1;
    } catch (err) {
      // Gone (retention ended) or not found: the rest of the selection still goes; quota stops it all.
      if (!(err instanceof HttpError) || ![404, 409].includes(err.status)) throw err;
    }
  }
  return { queued, skipped: ids.length - queued };
}
