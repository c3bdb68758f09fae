import type { Deps } from '../../deps';
import { refreshFlags } from '../audit/flags';
import type { DescribeOptions } from '../../describers/types';
import { DescriberError } from '../../describers/types';
import { insertBatch } from '../../db/batches';
import { insertImage } from '../../db/images';
import { setBatchPrivacy } from '../../db/privacy-settings';
import { failZeroRetentionImage, storeZeroRetentionResult } from '../../db/zero-retention';
import { prepareImage, PreparedImage, RefusedImageError } from '../ingest/prepare';
import { cleanOriginalName, randomId } from '../ingest';
import { assertWithinQuota } from '../usage';
import { HttpError } from '../../middleware/errors';
import { formOptions } from '../ingest/submit';
import { MemoryQueue, ZERO_RETENTION_CAPACITY } from './memory-queue';
import { zeroRetentionHolds } from './holds';
import { recordFinishDeliveries } from '../../webhooks/outbox';

export { BusyError, ZERO_RETENTION_CAPACITY } from './memory-queue';

const queues = new WeakMap<Deps, MemoryQueue>();

/** One bounded in-memory queue per running app. */
export function zeroRetentionQueue(deps: Deps): MemoryQueue {
  let queue = queues.get(deps);
  if (!queue) {
    queue = new MemoryQueue(ZERO_RETENTION_CAPACITY, deps.config.queueConcurrency);
    queues.set(deps, queue);
  }
  return queue;
}

export interface MemoryUpload {
  originalName: string;
  bytes: Buffer;
}

/**
 * A zero-retention batch: each file's working copy is made and described in memory; only the
 * batch, the image rows (no blob) and the text are written. Refusals throw before anything is
 * stored: an HttpError without files, BusyError when the in-memory queue has no room for every
 * file, QuotaExceededError over the monthly quota, OptionsError for a bad option.
 */
export async function describeWithoutStoring(deps: Deps, userId: number, files: MemoryUpload[], form: Record<string, unknown>): Promise<{ batchId: string }> {
  if (files.length === 0) throw new HttpError(400, 'Choose at least one image to upload.', 'no_files');
  const queue = zeroRetentionQueue(deps);
  const holds = zeroRetentionHolds(deps);
  queue.reserve(files.length);
  const now = deps.clock.now().getTime();
  const batchId = randomId();
  const work: WorkItem[] = [];
  let options: DescribeOptions;
  try {
    options = await formOptions(deps, userId, form);
    for (const file of files) {
      const name = cleanOriginalName(file.originalName);
      try {
        work.push({ id: randomId(), name, prepared: await prepareImage(file.bytes, deps.config.maxImagePixels) });
      } catch (err) {
        if (!(err instanceof RefusedImageError)) throw err;
        work.push({ id: randomId(), name, error: err.message });
      }
    }
    await holds.hold(batchId);
    await deps.db.transaction(async (trx) => {
      // The same monthly quota as stored uploads, counted where the images are added (see createBatch).
      const accepted = work.filter((item) => item.prepared).length;
      if (accepted > 0) await assertWithinQuota(deps, userId, accepted, trx);
      await insertBatch(trx, { id: batchId, user_id: userId, name: '', options_json: JSON.stringify(options), status: 'open', created_at: now, updated_at: now });
      await setBatchPrivacy(trx, batchId, { zero_retention: true });
      for (const item of work) await insertImage(trx, imageRow(item, batchId, userId, now));
    });
  } catch (err) {
    queue.release(files.length);
    if (holds.has(batchId)) await holds.release(batchId).catch(() => undefined);
    throw err;
  }
  const runs = work.map((item) => queue.run(async () => (item.prepared ? describeOne(deps, userId, batchId, item.id, item.name, item.prepared, options) : undefined)));
  void Promise.allSettled(runs)
    .then(() => holds.release(batchId))
    .catch((err: unknown) => deps.logger.warn({ err, batchId }, 'could not release a zero-retention batch'));
  return { batchId };
}

async function describeOne(deps: Deps, userId: number, batchId: string, imageId: string, name: string, prepared: PreparedImage, options: DescribeOptions): Promise<void> {
  const event = { imageId, batchId, userId };
  try {
    const input = { image: prepared.workingCopy, mimeType: 'image/jpeg', width: prepared.width, height: prepared.height, originalName: name, embedded: prepared.embedded };
    const description = await deps.describer.describe(input, options);
    const now = deps.clock.now().getTime();
    await storeZeroRetentionResult(deps.db, { id: imageId, userId, options }, description, now, async (trx) => {
      await refreshFlags(trx, userId, [imageId]);
      await recordFinishDeliveries(trx, { ...event, type: 'image.completed', batchFinished: false }, now);
    });
    deps.events.emit('image.completed', event);
  } catch (err) {
    // No retry later: the bytes exist only now. The user sees why and can upload again.
    const reason = err instanceof DescriberError ? err.message : 'The image could not be described.';
    if (!(err instanceof DescriberError)) deps.logger.error({ err, imageId }, 'zero-retention describe failed');
    const now = deps.clock.now().getTime();
    await failZeroRetentionImage(deps.db, imageId, reason, now, (trx) => recordFinishDeliveries(trx, { ...event, type: 'image.failed', batchFinished: false }, now)).catch(() => undefined);
    deps.events.emit('image.failed', event);
  }
}

interface WorkItem {
  id: string;
  name: string;
  prepared?: PreparedImage;
  error?: string;
}

function imageRow(item: WorkItem, batchId: string, userId: number, now: number) {
  const p = item.prepared;
  return {
    id: item.id,
    user_id: userId,
    batch_id: batchId,
    original_name: item.name,
    status: p ? ('queued' as const) : ('refused' as const),
    error: p ? null : (item.error ?? 'This file could not be used.'),
    source_type: p?.sourceType ?? null,
    byte_size: p?.byteSize ?? null,
    width: p?.width ?? null,
    height: p?.height ?? null,
    blurhash: p?.blurhash ?? null,
    dominant_color: p?.dominantColor ?? null,
    embedded_json: p ? JSON.stringify(p.embedded) : null,
    sha256: p?.sha256 ?? null,
    blob_key: null,
    expires_at: null,
    processed_at: null,
    reviewed_at: null,
    created_at: now,
    updated_at: now,
  };
}
