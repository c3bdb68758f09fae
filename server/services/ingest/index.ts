import type { Knex } from 'knex';
import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { DescribeOptions } from '../../describers/types';
import { commitAndWake, enqueueDescribe } from '../../queue/enqueue';
import { insertBatch } from '../../db/batches';
import { insertImage, ImageRow } from '../../db/images';
import { prepareImage, PreparedImage, RefusedImageError } from './prepare';
import { Semaphore } from './semaphore';
import { computeImageExpiry } from '../retention/policy';
import { assertWithinQuota } from '../usage';

export { RefusedImageError } from './prepare';

/**
 * Two images through sharp at a time: on two cores that is where throughput stops rising while RSS
 * keeps climbing (notes/dependency-pitfalls.md §0: 7.9 → 10.9 → 16.1 images/s, 181 → 244 → 305 MB).
 */
const sharpGate = new Semaphore(2);

type ImageFacts = Omit<PreparedImage, 'workingCopy'>;

/** One uploaded file after preparation: its working copy stored, or refused with a plain reason. */
export type PreparedUpload =
  | { status: 'ready'; originalName: string; blobKey: string; facts: ImageFacts }
  | { status: 'refused'; originalName: string; sourceType: string | null; byteSize: number; error: string };

/** 16 random bytes, base64url: ids say nothing about order or volume. */
export function randomId(): string {
  // Drawn again when it would start with "-" (or "_"): a CSV export guards a leading "-" against
  // spreadsheet formulas with an apostrophe, which would change the id a spreadsheet reads back.
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** File names are shown and exported, never used as paths; keep them printable and bounded. */
export function cleanOriginalName(name: string | undefined): string {
  const printable = (name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (printable || 'image').slice(0, 255);
}

/**
 * Makes and stores the encrypted working copy of one file. The original bytes stay in memory only.
 * A file we will not take comes back `refused`; only storage failures throw.
 */
export async function prepareUpload(deps: Pick<Deps, 'blobs' | 'config'>, bytes: Buffer, originalName: string | undefined): Promise<PreparedUpload> {
  const name = cleanOriginalName(originalName);
  let prepared: PreparedImage;
  let blobKey: string | undefined;
  try {
    prepared = await sharpGate.run(() => prepareImage(bytes, deps.config.maxImagePixels, async (workingCopy) => {
      blobKey = await deps.blobs.put(workingCopy);
    }));
  } catch (err) {
    if (blobKey) await deps.blobs.delete(blobKey);
    if (!(err instanceof RefusedImageError)) throw err;
    return { status: 'refused', originalName: name, sourceType: err.sourceType, byteSize: bytes.length, error: err.message };
  }
  const { workingCopy: _stored, ...facts } = prepared;
  return { status: 'ready', originalName: name, blobKey: blobKey as string, facts };
}

/** Removes the working copies of uploads that will not become images (aborted request, failed batch). */
export async function discardUploads(deps: Pick<Deps, 'blobs'>, uploads: PreparedUpload[]): Promise<void> {
  for (const upload of uploads) {
    if (upload.status === 'ready') await deps.blobs.delete(upload.blobKey);
  }
}

export interface NewBatch {
  userId: number;
  uploads: PreparedUpload[];
  options: DescribeOptions;
  /** Options of one image over the batch's (its page's title as context), by the upload's place. */
  imageOptions?: (Partial<DescribeOptions> | undefined)[];
  name?: string;
  /** The upload is still arriving: the batch is not finished before this time or its close. */
  receivingUntil?: number;
  /** The batch's own image retention, set before any of its images can finish. */
  imageRetention?: string;
  /** Runs in the transaction that adds the images, after them (an idempotency claim records the image). */
  inTransaction?: (trx: Knex.Transaction, imageIds: string[]) => Promise<void>;
}

/**
 * One transaction: the batch, an image row per file (refused ones included, with their reason) and a
 * describe job per accepted image; the worker starts on the commit. Over the quota it throws
 * QuotaExceededError and stores nothing. If it fails, the stored working copies are removed again.
 */
export async function createBatch(deps: Deps, batch: NewBatch): Promise<{ batchId: string; imageIds: string[] }> {
  const now = deps.clock.now().getTime();
  const batchId = randomId();
  const imageIds: string[] = [];
  try {
    await commitAndWake(deps, async (trx) => {
      // Counted in the transaction that adds the images, so concurrent uploads cannot pass the quota together.
      const accepted = batch.uploads.filter((upload) => upload.status === 'ready').length;
      if (accepted > 0) await assertWithinQuota(deps, batch.userId, accepted, trx);
      await insertBatch(trx, {
        id: batchId,
        user_id: batch.userId,
        name: (batch.name ?? '').slice(0, 200),
        options_json: JSON.stringify(batch.options),
        status: 'open',
        receiving_until: batch.receivingUntil ?? null,
        ...(batch.imageRetention ? { image_retention: batch.imageRetention } : {}),
        created_at: now,
        updated_at: now,
      });
      for (const [i, upload] of batch.uploads.entries()) {
        const id = randomId();
        imageIds.push(id);
        await insertImage(trx, imageRow(deps, id, batchId, batch.userId, upload, now));
        if (upload.status === 'ready') await enqueueDescribe(trx, { imageId: id, userId: batch.userId, options: batch.imageOptions?.[i], now });
      }
      await batch.inTransaction?.(trx, imageIds);
    });
  } catch (err) {
    await discardUploads(deps, batch.uploads);
    throw err;
  }
  return { batchId, imageIds };
}

/**
 * Adds one prepared upload to an existing batch of the user (the API's `batch_id`), in one transaction
 * with its job; `options` override the batch's for this image only. Undefined when the batch is not theirs.
 */
export async function addToBatch(
  deps: Deps,
  args: { userId: number; batchId: string; upload: PreparedUpload; options?: Partial<DescribeOptions>; inTransaction?: NewBatch['inTransaction'] },
): Promise<string | undefined> {
  return (await addUploadsToBatch(deps, { ...args, uploads: [args.upload] }))?.[0];
}

/**
 * Adds prepared uploads to an existing batch of the user in one transaction with their jobs (quota
 * counted there); `receivingUntil` moves the batch's still-arriving deadline. Undefined when the
 * batch is not theirs. The working copies are removed again when nothing was added.
 */
export async function addUploadsToBatch(
  deps: Deps,
  args: { userId: number; batchId: string; uploads: PreparedUpload[]; options?: Partial<DescribeOptions>; receivingUntil?: number; inTransaction?: NewBatch['inTransaction'] },
): Promise<string[] | undefined> {
  const now = deps.clock.now().getTime();
  const ids = args.uploads.map(() => randomId());
  try {
    const added = await commitAndWake(deps, async (trx) => {
      const batch = await trx('batches').where({ id: args.batchId, user_id: args.userId }).first();
      if (!batch) return false;
      const ready = args.uploads.filter((upload) => upload.status === 'ready').length;
      if (ready > 0) await assertWithinQuota(deps, args.userId, ready, trx);
      for (const [i, upload] of args.uploads.entries()) {
        await insertImage(trx, imageRow(deps, ids[i], args.batchId, args.userId, upload, now));
        if (upload.status === 'ready') await enqueueDescribe(trx, { imageId: ids[i], userId: args.userId, options: args.options, now });
      }
      if (args.receivingUntil) await trx('batches').where({ id: args.batchId }).update({ receiving_until: args.receivingUntil });
      await args.inTransaction?.(trx, ids);
      return true;
    });
    if (added) return ids;
  } catch (err) {
    await discardUploads(deps, args.uploads);
    throw err;
  }
  await discardUploads(deps, args.uploads);
  return undefined;
}

function imageRow(deps: Deps, id: string, batchId: string, userId: number, upload: PreparedUpload, now: number): ImageRow {
  const base = {
    id,
    user_id: userId,
    batch_id: batchId,
    original_name: upload.originalName,
    processed_at: null,
    reviewed_at: null,
    created_at: now,
    updated_at: now,
  };
  if (upload.status === 'refused') {
    return {
      ...base,
      status: 'refused',
      error: upload.error,
      source_type: upload.sourceType,
      byte_size: upload.byteSize,
      width: null,
      height: null,
      blurhash: null,
      dominant_color: null,
      embedded_json: null,
      sha256: null,
      blob_key: null,
      expires_at: null,
    };
  }
  const { facts } = upload;
  return {
    ...base,
    status: 'queued',
    error: null,
    source_type: facts.sourceType,
    byte_size: facts.byteSize,
    width: facts.width,
    height: facts.height,
    blurhash: facts.blurhash,
    dominant_color: facts.dominantColor,
    embedded_json: JSON.stringify(facts.embedded),
    sha256: facts.sha256,
    blob_key: upload.blobKey,
    // A queued image's deadline; the retention rules set the real one when it finishes.
    expires_at: computeImageExpiry(deps.config, { status: 'queued', created_at: now, processed_at: null, updated_at: now }, null, { image_retention: null }),
  };
}
