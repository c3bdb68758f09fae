import { translationsFor } from '../../db/translations';
import { expireImageBlobs } from '../retention/expire-blobs';
import type { Finding } from '../audit/rules';
import { checkResults } from '../audit/of-results';
import { parseFlagged } from '../audit/flags';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../describers/types';
import { imageReceipts } from '../retention/receipts';
import type { Deps } from '../../deps';
import { findBatch, listBatches, BatchRow } from '../../db/batches';
import {
  findImage, listImages, countImages, setReviewed, ImageRow, ImageStatus, IMAGE_STATUSES,
  listBatchImagesPage, countBatchImages, countBatchStatuses, batchNeighbours, type BatchImageFilter, type ImageFilter,
} from '../../db/images';
import { descriptionsFor, otherAltTextsOfBatch } from '../../db/descriptions';
import { readStoredOptions } from '../ingest/options';
import type { DescribeOptions } from '../../describers/types';
import { toRecords, ImageRecord } from './records';
import { blurhashDataUrl } from './placeholder';
import { toLibrarySearch } from './search';
import { cardHistories, type CardHistory } from './versions';

export type { ImageRecord, DescriptionView } from './records';
export { editDescription, editAltText } from './edit';
export { restoreVersion, chooseWaitingVersion } from './versions';

export interface Card extends ImageRecord, CardHistory {
  /** What the alt text checks found (server/services/audit/rules.ts); none without a result. */
  checks: Finding[];
  /** The working copy can still be shown (GET /images/:id/file). */
  retained: boolean;
  /** A blurred stand-in when it cannot. */
  placeholder: string | null;
  /** Once the working copy is deleted: "deleted 30 minutes after processing, at 2026-11-22 14:02 UTC". */
  receipt: string | null;
}

const PENDING: ImageStatus[] = ['queued', 'processing'];

function retained(image: ImageRow, now: number): boolean {
  return image.blob_key !== null && (image.expires_at === null || image.expires_at > now);
}

async function toCards(deps: Deps, userId: number, images: ImageRow[], altTextLimit = DEFAULT_DESCRIBE_OPTIONS.altTextLength, elsewhere: readonly string[] = []): Promise<Card[]> {
  const now = deps.clock.now().getTime();
  const ids = images.map((image) => image.id);
  const records = toRecords(images, await descriptionsFor(deps.db, userId, ids), await translationsFor(deps.db, userId, ids));
  // Checked together, so the same alt text on two images of the page (or elsewhere in its batch) is found too.
  const checks = checkResults(records.flatMap(({ image, description: d }) => (d ? [{
    key: image.id, altText: d.alt_text, decorative: d.decorative, text: d.text, fileName: image.original_name, limit: altTextLimit,
  }] : [])), elsewhere);
  const receipts = await imageReceipts(deps, userId, images.filter((image) => image.blob_key === null).map((image) => image.id));
  const histories = await cardHistories(deps, userId, images.map((image) => image.id));
  return Promise.all(
    records.map(async (record) => {
      const keep = retained(record.image, now);
      const placeholder = keep ? null : await blurhashDataUrl(record.image.blurhash, record.image.width, record.image.height);
      const history = histories.get(record.image.id) ?? { history: [], waiting: null, editedFields: [] };
      return { ...record, ...history, checks: checks.get(record.image.id) ?? [], retained: keep, placeholder, receipt: receipts.get(record.image.id)?.summary ?? null };
    }),
  );
}

/**
 * Up to this many images, a batch's pages flag alt text repeated anywhere in the batch (reading
 * them all costs about 7 ms at 1,000); a larger batch compares each page within itself, so its
 * pages stay as fast at 100,000 images (measured by `npm run bench -- review`).
 */
export const BATCH_WIDE_CHECK_LIMIT = 2000;

/** The alt text of the rest of the batch, for the repeated-text check, where the batch is small enough. */
function restOfBatch(deps: Deps, userId: number, batchId: string, total: number, shown: ImageRow[]): Promise<string[]> {
  if (total > BATCH_WIDE_CHECK_LIMIT) return Promise.resolve([]);
  return otherAltTextsOfBatch(deps.db, userId, batchId, shown.map((image) => image.id));
}

/** Images per page of a batch: a page stays small however large the batch. */
export const BATCH_PAGE_SIZE = 50;

export interface BatchQuery {
  page?: number;
  status?: string;
  reviewed?: string;
  flagged?: string;
  /** A viewer where approval is required: the checks filter looks at approved images only. */
  approvedTextOnly?: boolean;
}

export interface BatchPage {
  batch: BatchRow;
  options: DescribeOptions;
  cards: Card[];
  /** Every image of the batch, by status (the filter does not change these). */
  counts: Record<ImageStatus, number>;
  total: number;
  /** How many images the filter keeps, the page shown, and how many pages they make. */
  shown: number;
  page: number;
  pages: number;
  filter: { status: string; reviewed: string; flagged: string };
  /** Something is still queued or being described: the page refreshes itself without JS. */
  pending: boolean;
}

export function batchFilter(query: BatchQuery): BatchImageFilter {
  const status = IMAGE_STATUSES.find((known) => known === query.status);
  const reviewed = query.reviewed === 'yes' ? true : query.reviewed === 'no' ? false : undefined;
  return { status, reviewed, flagged: parseFlagged(query.flagged), flaggedApprovedOnly: query.approvedTextOnly };
}

/** A batch and one page of its cards; undefined for a batch that does not exist or is someone else's. */
export async function batchPage(deps: Deps, userId: number, batchId: string, query: BatchQuery = {}): Promise<BatchPage | undefined> {
  const batch = await findBatch(deps.db, userId, batchId);
  if (!batch) return undefined;
  const filter = batchFilter(query);
  const counts = await countBatchStatuses(deps.db, userId, batchId);
  const total = IMAGE_STATUSES.reduce((n, status) => n + counts[status], 0);
  const shown = filter.status || filter.reviewed !== undefined || filter.flagged ? await countBatchImages(deps.db, userId, batchId, filter) : total;
  const pages = Math.max(1, Math.ceil(shown / BATCH_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(query.page ?? 1) || 1), pages);
  const images = await listBatchImagesPage(deps.db, userId, batchId, filter, { limit: BATCH_PAGE_SIZE, offset: (page - 1) * BATCH_PAGE_SIZE });
  return {
    batch,
    options: readStoredOptions(batch.options_json),
    cards: await toCards(deps, userId, images, readStoredOptions(batch.options_json).altTextLength, await restOfBatch(deps, userId, batchId, total, images)),
    counts,
    total,
    shown,
    page,
    pages,
    filter: { status: filter.status ?? '', reviewed: filter.reviewed === undefined ? '' : filter.reviewed ? 'yes' : 'no', flagged: filter.flagged ?? '' },
    pending: PENDING.some((status) => counts[status] > 0),
  };
}

export interface ImagePage {
  card: Card;
  batch: BatchRow;
  options: DescribeOptions;
  previous?: string;
  next?: string;
}

/** One image on a page of its own, with its neighbours in the batch; undefined when it is not the user's. */
export async function imagePage(deps: Deps, userId: number, imageId: string): Promise<ImagePage | undefined> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image) return undefined;
  const batch = await findBatch(deps.db, userId, image.batch_id);
  if (!batch) return undefined;
  const total = Object.values(await countBatchStatuses(deps.db, userId, batch.id)).reduce((n, c) => n + c, 0);
  const [card] = await toCards(deps, userId, [image], readStoredOptions(batch.options_json).altTextLength, await restOfBatch(deps, userId, batch.id, total, [image]));
  return { card: card!, batch, options: readStoredOptions(batch.options_json), ...(await batchNeighbours(deps.db, userId, image)) };
}

export const LIBRARY_PAGE_SIZE = 24;

export interface LibraryQuery {
  q?: string;
  batch?: string;
  status?: string;
  reviewed?: string;
  edited?: string;
  describer?: string;
  flagged?: string;
  /** YYYY-MM-DD, UTC days, both included. */
  from?: string;
  to?: string;
  page?: number;
}

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD day as epoch ms at its start (UTC), or undefined when it is not one. */
function dayStart(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The library counts at most this many matching images; past it the page says "more than". */
export const LIBRARY_COUNT_CAP = 10_000;

export interface LibraryPage {
  cards: Card[];
  /** Matching images, up to LIBRARY_COUNT_CAP + 1; `more` when there are more than the cap. */
  total: number;
  more: boolean;
  page: number;
  pages: number;
  /** The filters as the page was asked for them (blank when not set), for the form and the links. */
  query: { q: string; batch: string; status: string; reviewed: string; edited: string; describer: string; flagged: string; from: string; to: string };
  batches: Awaited<ReturnType<typeof listBatches>>;
}

/** What the library's query asks for, as a filter over the user's images. */
export function libraryFilter(query: LibraryQuery): ImageFilter {
  const to = dayStart(query.to);
  return {
    batchId: query.batch || undefined,
    status: IMAGE_STATUSES.find((known) => known === query.status),
    search: toLibrarySearch(query.q),
    reviewed: query.reviewed === 'yes' ? true : query.reviewed === 'no' ? false : undefined,
    edited: query.edited === 'yes' ? true : query.edited === 'no' ? false : undefined,
    describer: query.describer === 'local' || query.describer === 'openai' ? query.describer : undefined,
    flagged: parseFlagged(query.flagged),
    createdFrom: dayStart(query.from),
    createdBefore: to === undefined ? undefined : to + DAY_MS,
  };
}

/** The user's library, newest first, filtered and searched (full-text over generated and edited text, and file names). */
export async function libraryPage(deps: Deps, userId: number, query: LibraryQuery, opts: { approvedTextOnly?: boolean } = {}): Promise<LibraryPage> {
  const filter = { ...libraryFilter(query), searchApprovedTextOnly: opts.approvedTextOnly };
  const { status, edited, describer, createdFrom: from } = filter;
  const to = dayStart(query.to);
  const counted = await countImages(deps.db, userId, filter, LIBRARY_COUNT_CAP);
  const more = counted > LIBRARY_COUNT_CAP;
  const requested = Math.max(1, Math.floor(query.page ?? 1) || 1);
  // Past the count's cap the pages are not counted: one more row than a page says whether another follows.
  const countedPages = Math.max(1, Math.ceil(counted / LIBRARY_PAGE_SIZE));
  const page = more ? requested : Math.min(requested, countedPages);
  const rows = await listImages(deps.db, userId, filter, { limit: LIBRARY_PAGE_SIZE + 1, offset: (page - 1) * LIBRARY_PAGE_SIZE });
  const images = rows.slice(0, LIBRARY_PAGE_SIZE);
  const pages = more ? (rows.length > LIBRARY_PAGE_SIZE ? page + 1 : page) : countedPages;
  return {
    cards: await toCards(deps, userId, images),
    total: Math.min(counted, LIBRARY_COUNT_CAP),
    more,
    page,
    pages,
    query: {
      q: query.q ?? '', batch: filter.batchId ?? '', status: status ?? '', reviewed: query.reviewed === 'yes' || query.reviewed === 'no' ? query.reviewed : '',
      edited: edited === undefined ? '' : query.edited!, describer: describer ?? '', flagged: filter.flagged ?? '', from: from === undefined ? '' : query.from!, to: to === undefined ? '' : query.to!,
    },
    batches: await listBatches(deps.db, userId),
  };
}

/** Marks an image reviewed (or not); answers its batch id, or undefined when it is not the user's. */
export async function markReviewed(deps: Deps, userId: number, imageId: string, reviewed: boolean): Promise<string | undefined> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image) return undefined;
  const now = deps.clock.now().getTime();
  await setReviewed(deps.db, userId, imageId, reviewed ? now : null, now);
  // Kept "until reviewed": the working copy goes now, with its receipt.
  if (reviewed && image.blob_key) await expireImageBlobs(deps, { imageId });
  return image.batch_id;
}

/** The decrypted working copy for its owner while it is retained; undefined otherwise. */
export async function workingCopy(deps: Deps, userId: number, imageId: string): Promise<{ bytes: Buffer; filename: string } | undefined> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image?.blob_key || !retained(image, deps.clock.now().getTime())) return undefined;
  const bytes = await deps.blobs.get(image.blob_key).catch(() => undefined);
  if (!bytes) return undefined;
  const stem = image.original_name.replace(/\.[^.]*$/, '') || 'image';
  return { bytes, filename: `${stem}.jpg` };
}
