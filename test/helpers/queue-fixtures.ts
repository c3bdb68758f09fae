import sharp from 'sharp';
import type { TestApp } from './test-app';
import { insertBatch, insertImage, insertUser } from './rows';
import { enqueueDescribe } from '../../server/queue/enqueue';
import type { DescribeOptions } from '../../server/describers/types';

let plainJpeg: Buffer | undefined;

/** A small JPEG standing in for a working copy (no metadata). */
export async function workingCopyJpeg(): Promise<Buffer> {
  plainJpeg ??= await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
  return plainJpeg;
}

/** A user with a batch; `addImages` stores working copies and enqueues them the way ingest does. */
export async function seedBatch(t: TestApp, options: Partial<DescribeOptions> = {}, userId?: number): Promise<{ userId: number; batchId: string }> {
  const owner = userId ?? (await insertUser(t.deps.db));
  return { userId: owner, batchId: await insertBatch(t.deps.db, owner, options) };
}

export async function addImages(t: TestApp, userId: number, batchId: string, count: number, bytes?: Buffer): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const blobKey = await t.deps.blobs.put(bytes ?? (await workingCopyJpeg()));
    await t.deps.db.transaction(async (trx) => {
      const imageId = await insertImage(trx, userId, batchId, { blob_key: blobKey, original_name: `photo-${i}.jpg` });
      await enqueueDescribe(trx, { imageId, userId, now: t.clock.now().getTime() });
      ids.push(imageId);
    });
  }
  return ids;
}

/** Polls until `check` returns a truthy value (real time; the queue runs on real timers). */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Adds one image in a batch of its own and waits until it is described and the worker is idle: proof
 * that the queue has claimed work since, for a test that asserts some other job did not run.
 */
export async function describeLaterImage(t: TestApp, userId: number, timeoutMs = 5_000): Promise<string> {
  const { batchId } = await seedBatch(t, {}, userId);
  const [imageId] = await addImages(t, userId, batchId, 1);
  t.deps.queue.nudge();
  await waitFor(async () => (await imageStatus(t, imageId)).status === 'done' && t.deps.queue.activeJobs === 0, timeoutMs, 'a later image to be described');
  return imageId;
}

export async function imageStatus(t: TestApp, imageId: string): Promise<{ status: string; error: string | null }> {
  return t.deps.db('images').where({ id: imageId }).first('status', 'error');
}

export async function jobOf(t: TestApp, imageId: string): Promise<Record<string, unknown>> {
  return t.deps.db('jobs').where({ image_id: imageId }).orderBy('id', 'desc').first();
}

export async function countRows(t: TestApp, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = await t.deps.db(table).where(where).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
