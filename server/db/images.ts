import type { Knex } from 'knex';
import { whereFlagged } from './image-flags';
import { nameMatcher, textMatcher } from './search';
import { NAME_SEARCH, sealColumns } from './text-codec';
import { IMAGE_TEXT } from './sealed-tables';

export type ImageStatus = 'queued' | 'processing' | 'done' | 'failed' | 'cancelled' | 'refused';
export const IMAGE_STATUSES: readonly ImageStatus[] = ['queued', 'processing', 'done', 'failed', 'cancelled', 'refused'];

export interface ImageRow {
  id: string;
  user_id: number;
  batch_id: string;
  original_name: string;
  status: ImageStatus;
  error: string | null;
  source_type: string | null;
  byte_size: number | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  dominant_color: string | null;
  embedded_json: string | null;
  sha256: string | null;
  blob_key: string | null;
  expires_at: number | null;
  processed_at: number | null;
  reviewed_at: number | null;
  /** draft → submitted → approved (team workspaces' approval; see services/approval). */
  approval?: 'draft' | 'submitted' | 'approved';
  created_at: number;
  updated_at: number;
}

export async function insertImage(db: Knex, row: ImageRow): Promise<void> {
  // What the file itself said (caption, keywords) and its name are the person's text as much as their edits.
  await db('images').insert(await sealColumns(db, row.user_id, row, IMAGE_TEXT, { ...row }, NAME_SEARCH));
}

/** Owner-scoped: another user's image id reads as missing. */
export async function findImage(db: Knex, userId: number, imageId: string): Promise<ImageRow | undefined> {
  return db('images').where({ id: imageId, user_id: userId }).first();
}

/** Which of a batch's images a batch page shows: a status, reviewed or not. */
export interface BatchImageFilter {
  status?: ImageStatus;
  reviewed?: boolean;
  /** What the alt text checks found: 'yes' (anything), 'no' (nothing), or one check's id. */
  flagged?: string;
  /** The checks of approved text only (a viewer where approval is required reads nothing else). */
  flaggedApprovedOnly?: boolean;
}

function batchImages(db: Knex, userId: number, batchId: string, filter: BatchImageFilter): Knex.QueryBuilder {
  const query = db('images').where({ batch_id: batchId, user_id: userId });
  if (filter.status) query.andWhere({ status: filter.status });
  if (filter.reviewed === true) query.whereNotNull('reviewed_at');
  if (filter.reviewed === false) query.whereNull('reviewed_at');
  if (filter.flagged) whereFlagged(query, 'flags', filter.flagged);
  if (filter.flagged && filter.flaggedApprovedOnly) query.andWhere('approval', 'approved');
  return query;
}

/** One page of a batch's images in upload order, filtered. */
export async function listBatchImagesPage(
  db: Knex, userId: number, batchId: string, filter: BatchImageFilter, page: { limit: number; offset: number },
): Promise<ImageRow[]> {
  return batchImages(db, userId, batchId, filter).orderBy([{ column: 'created_at' }, { column: 'rowid' }]).limit(page.limit).offset(page.offset);
}

export async function countBatchImages(db: Knex, userId: number, batchId: string, filter: BatchImageFilter): Promise<number> {
  const row = await batchImages(db, userId, batchId, filter).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** How many of a batch's images are in each status, off the (batch_id, status) index. */
export async function countBatchStatuses(db: Knex, userId: number, batchId: string): Promise<Record<ImageStatus, number>> {
  const rows: { status: ImageStatus; n: number | string }[] = await db('images').where({ batch_id: batchId, user_id: userId }).groupBy('status').select('status').count({ n: '*' });
  const counts = Object.fromEntries(IMAGE_STATUSES.map((status) => [status, 0])) as Record<ImageStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** The ids of the images before and after one, in its batch's upload order (for the detail view). */
export async function batchNeighbours(db: Knex, userId: number, image: Pick<ImageRow, 'id' | 'batch_id'>): Promise<{ previous?: string; next?: string }> {
  const ids: string[] = await db('images').where({ batch_id: image.batch_id, user_id: userId }).orderBy([{ column: 'created_at' }, { column: 'rowid' }]).pluck('id');
  const at = ids.indexOf(image.id);
  return { previous: at > 0 ? ids[at - 1] : undefined, next: at >= 0 && at < ids.length - 1 ? ids[at + 1] : undefined };
}

/** A batch's images in upload order (rowid: rows of one batch share created_at; see the add_images_rowid migration). */
export async function listBatchImages(db: Knex, userId: number, batchId: string): Promise<ImageRow[]> {
  return db('images').where({ batch_id: batchId, user_id: userId }).orderBy([{ column: 'created_at' }, { column: 'rowid' }]);
}

/** A library search (see services/results/search): all `words` in the text, or `phrase` in the file name. */
export interface LibrarySearch {
  words: readonly string[];
  phrase: string;
}

export interface ImageFilter {
  batchId?: string;
  status?: ImageStatus;
  search?: LibrarySearch;
  reviewed?: boolean;
  /** A person edited the current result. */
  edited?: boolean;
  /** Which describer wrote the current result ("local" or "openai"). */
  describer?: string;
  /** Uploaded at or after / before (epoch ms). */
  createdFrom?: number;
  createdBefore?: number;
  /** Text search matches only approved images' text (a viewer where approval is required); file names still match. */
  searchApprovedTextOnly?: boolean;
  /** What the alt text checks found: 'yes' (anything), 'no' (nothing), or one check's id. */
  flagged?: string;
}

/** Wrapped in an object: a query builder is thenable, so an async function returning it would run it. */
async function filtered(db: Knex, userId: number, filter: ImageFilter): Promise<{ query: Knex.QueryBuilder }> {
  const query = db('images').where('images.user_id', userId);
  if (filter.batchId) query.andWhere('images.batch_id', filter.batchId);
  if (filter.status) query.andWhere('images.status', filter.status);
  if (filter.reviewed === true) query.whereNotNull('images.reviewed_at');
  if (filter.reviewed === false) query.whereNull('images.reviewed_at');
  if (filter.createdFrom !== undefined) query.andWhere('images.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore !== undefined) query.andWhere('images.created_at', '<', filter.createdBefore);
  if (filter.flagged) whereFlagged(query, 'images.flags', filter.flagged);
  // What the checks found says something of the text: a viewer who reads approved text only filters approved images only.
  if (filter.flagged && filter.searchApprovedTextOnly) query.andWhere('images.approval', 'approved');
  if (filter.edited !== undefined || filter.describer !== undefined) {
    const result = (q: Knex.QueryBuilder) => {
      q.select(db.raw('1')).from('descriptions as d').whereRaw('d.image_id = images.id');
      if (filter.edited !== undefined) q.where((e) => (filter.edited ? e.whereNotNull('d.edited_at') : e.whereNull('d.edited_at')));
      if (filter.describer !== undefined) q.andWhere('d.describer', filter.describer);
    };
    query.whereExists(result);
  }
  const search = filter.search;
  if (search) {
    const textMatches = search.words.length > 0 ? await textMatcher(db, userId, search.words) : undefined;
    const nameMatches = await nameMatcher(db, userId, search.phrase);
    query.where((either) => {
      if (textMatches) {
        either.where((text) => {
          textMatches(text);
          if (filter.searchApprovedTextOnly) text.andWhere('images.approval', 'approved');
        });
      }
      either.orWhere((name) => nameMatches(name));
    });
  }
  return { query };
}

/** The library: newest first, one page at a time. */
export async function listImages(db: Knex, userId: number, filter: ImageFilter, page: { limit: number; offset: number }): Promise<ImageRow[]> {
  return (await filtered(db, userId, filter)).query
    .orderBy([{ column: 'images.created_at', order: 'desc' }, { column: 'images.rowid', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('images.*');
}

/**
 * How many images match, counting no further than `cap` + 1: counting every row of a large library
 * costs time in proportion to it on every page, while "more than 10,000" says all a person needs.
 */
export async function countImages(db: Knex, userId: number, filter: ImageFilter, cap = Number.MAX_SAFE_INTEGER): Promise<number> {
  const { query } = await filtered(db, userId, filter);
  const row = await db.from(query.limit(Math.min(cap + 1, Number.MAX_SAFE_INTEGER)).select(db.raw('1 as one')).as('matching')).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Every image of the user (or of one batch), oldest first, for exports. */
export async function listImagesForExport(db: Knex, userId: number, batchId?: string, imageIds?: readonly string[], approvedOnly = false): Promise<ImageRow[]> {
  const query = db('images').where({ user_id: userId });
  if (approvedOnly) query.andWhere({ approval: 'approved' });
  if (batchId) query.andWhere({ batch_id: batchId });
  if (imageIds) query.whereIn('id', imageIds);
  return query.orderBy([{ column: 'created_at' }, { column: 'rowid' }]);
}

/** Marks the user's images among `imageIds` reviewed (or not) in one statement; answers how many changed. */
export async function setManyReviewed(db: Knex, userId: number, imageIds: readonly string[], at: number | null, now: number): Promise<number> {
  if (imageIds.length === 0) return 0;
  return db('images').where({ user_id: userId }).whereIn('id', imageIds).where({ status: 'done' }).update({ reviewed_at: at, updated_at: now });
}

export async function setReviewed(db: Knex, userId: number, imageId: string, at: number | null, now: number): Promise<boolean> {
  const changed = await db('images').where({ id: imageId, user_id: userId }).update({ reviewed_at: at, updated_at: now });
  return changed > 0;
}
