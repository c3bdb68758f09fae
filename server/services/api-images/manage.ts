import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { IMAGE_STATUSES, type ImageStatus } from '../../db/images';
import { listImagesAfter } from '../../db/api-resources';
import { editDescription, markReviewed } from '../results';
import { deleteImageForUser } from '../data-rights/delete-content';
import { parseReplaceEdits, regenerateImage, regenerateOptionsWithPattern } from '../describe/control';
import { recordRetrieved } from '../usage';
import { loadImageResource, presentImages, type ImageResource } from '../api-resources';

export async function getApiImage(deps: Deps, userId: number, imageId: string): Promise<ImageResource> {
  const image = await loadImageResource(deps, userId, imageId);
  if (!image) throw new HttpError(404, 'No such image.', 'not_found');
  return image;
}

/**
 * A finished description handed to an API client counts as retrieved (usage). The count is written
 * as the answer goes out rather than before it: the client has its result either way, and a count
 * that cannot be written is logged instead of failing an answer that is ready.
 */
export function countRetrieved(deps: Deps, userId: number, images: ImageResource[]): void {
  const ids = images.filter((i) => i.result).map((i) => i.id);
  if (ids.length === 0) return;
  recordRetrieved(deps, userId, ids, 'api').catch((err: unknown) => deps.logger.error({ err }, 'could not count retrieved descriptions'));
}

/** `GET /api/v1/images/:id`: the image, counted as retrieved when it carries a result. */
export async function retrieveApiImage(deps: Deps, userId: number, imageId: string): Promise<ImageResource> {
  const image = await getApiImage(deps, userId, imageId);
  countRetrieved(deps, userId, [image]);
  return image;
}

export interface ListQuery {
  status?: string;
  batch_id?: string;
  created_after?: string;
  created_before?: string;
  reviewed?: string;
  limit?: string;
  cursor?: string;
}

function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpError(400, `${name} must be an ISO 8601 date or time.`, 'invalid_query');
  return ms;
}

function decodeCursor(cursor: string | undefined): { createdAt: number; rowid: number } | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, rowid] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number];
    if (Number.isFinite(createdAt) && Number.isInteger(rowid)) return { createdAt, rowid };
  } catch {
    // falls through to the error below
  }
  throw new HttpError(400, 'cursor is not one this API gave out.', 'invalid_cursor');
}

/** Newest first; `next_cursor` is null on the last page. */
export async function listApiImages(deps: Deps, userId: number, query: ListQuery): Promise<{ data: ImageResource[]; next_cursor: string | null }> {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit must be a whole number from 1 to 100.', 'invalid_query');
  if (query.status && !IMAGE_STATUSES.includes(query.status as ImageStatus)) throw new HttpError(400, `status must be one of ${IMAGE_STATUSES.join(', ')}.`, 'invalid_query');
  if (query.reviewed !== undefined && query.reviewed !== 'true' && query.reviewed !== 'false') throw new HttpError(400, 'reviewed must be true or false.', 'invalid_query');
  const rows = await listImagesAfter(
    deps.db,
    userId,
    {
      status: query.status as ImageStatus | undefined,
      batchId: query.batch_id,
      createdAfter: time(query.created_after, 'created_after'),
      createdBefore: time(query.created_before, 'created_before'),
      reviewed: query.reviewed === undefined ? undefined : query.reviewed === 'true',
    },
    decodeCursor(query.cursor),
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? Buffer.from(JSON.stringify([Number(last.created_at), last.rowid])).toString('base64url') : null;
  const data = await presentImages(deps, page);
  countRetrieved(deps, userId, data);
  return { data, next_cursor: next };
}

const EDITABLE = ['alt_text', 'caption', 'title', 'description', 'filename', 'text'] as const;

/** Changes only the fields sent; `tags` is a list, `decorative` and `reviewed` booleans. */
export async function patchApiImage(deps: Deps, userId: number, imageId: string, body: Record<string, unknown>): Promise<ImageResource> {
  const image = await getApiImage(deps, userId, imageId);
  const unknown = Object.keys(body).filter((k) => !(EDITABLE as readonly string[]).includes(k) && !['tags', 'decorative', 'reviewed'].includes(k));
  if (unknown.length) throw new HttpError(400, `Fields that cannot be edited: ${unknown.join(', ')}.`, 'invalid_fields');
  for (const k of EDITABLE) if (body[k] !== undefined && typeof body[k] !== 'string') throw new HttpError(400, `${k} must be a string.`, 'invalid_fields');
  if (body.tags !== undefined && (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string' || t.includes(',')))) {
    throw new HttpError(400, 'tags must be a list of strings without commas.', 'invalid_fields');
  }
  for (const k of ['decorative', 'reviewed']) if (body[k] !== undefined && typeof body[k] !== 'boolean') throw new HttpError(400, `${k} must be true or false.`, 'invalid_fields');
  const edits = EDITABLE.some((k) => body[k] !== undefined) || body.tags !== undefined || body.decorative !== undefined;
  if (edits) {
    const current = image.result;
    if (!current) throw new HttpError(409, 'This image has no description to edit yet.', 'not_described');
    const form: Record<string, string> = Object.fromEntries(EDITABLE.map((k) => [k, String(body[k] ?? current[k])]));
    form.tags = ((body.tags as string[] | undefined) ?? current.tags).join(', ');
    form.decorative = String(body.decorative ?? current.decorative);
    const result = await editDescription(deps, userId, imageId, form);
    if (!result.ok) throw result.status === 404 ? new HttpError(404, 'No such image.', 'not_found') : new HttpError(400, result.error, 'invalid_fields');
  }
  if (typeof body.reviewed === 'boolean') await markReviewed(deps, userId, imageId, body.reviewed);
  return getApiImage(deps, userId, imageId);
}

export async function deleteApiImage(deps: Deps, userId: number, imageId: string): Promise<void> {
  if (!(await deleteImageForUser(deps, userId, imageId))) throw new HttpError(404, 'No such image.', 'not_found');
}

/** Describes again with the options sent (blank keeps the batch's), optionally with a pattern; edits are kept unless `replace_edits`. */
export async function regenerateApiImage(deps: Deps, userId: number, imageId: string, body: Record<string, unknown>): Promise<ImageResource> {
  await getApiImage(deps, userId, imageId);
  const { alt_text_length: altTextLength, tag_count: tagCount, replace_edits: replaceEdits, link_target: linkTarget, surrounding_text: surroundingText, ...rest } = body;
  const options = await regenerateOptionsWithPattern(deps, userId, { altTextLength, tagCount, linkTarget, surroundingText, ...rest });
  await regenerateImage(deps, userId, imageId, options, { replaceEdits: parseReplaceEdits({ replace_edits: replaceEdits }) });
  return getApiImage(deps, userId, imageId);
}
