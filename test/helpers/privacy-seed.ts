import crypto from 'node:crypto';
import fs from 'node:fs';
import { localBlobs, type TestApp } from './test-app';
import { insertUser, insertBatch, insertImage } from './rows';
import { textKeyBlobNames } from '../../server/db/text-shredding';

/** A tiny real JPEG header plus noise: enough for byte-signature scans to find it. */
export function fakeJpegBytes(size = 2048): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(size)]);
}

export interface SeedOptions {
  status?: string;
  /** ms after "now" (negative: in the past) */
  processedAgoMs?: number | null;
  createdAgoMs?: number;
  userRetention?: string | null;
  batchRetention?: string | null;
  userId?: number;
  batchId?: string;
}

/** An image row whose working copy really sits in the blob store, as ingest leaves it. */
export async function seedImageWithBlob(t: TestApp, o: SeedOptions = {}): Promise<{ imageId: string; blobKey: string; userId: number; batchId: string }> {
  const now = t.clock.now().getTime();
  const userId = o.userId ?? (await insertUser(t.deps.db));
  if (o.userRetention !== undefined) await t.deps.db('users').where({ id: userId }).update({ image_retention: o.userRetention });
  const batchId = o.batchId ?? (await insertBatch(t.deps.db, userId));
  if (o.batchRetention !== undefined) await t.deps.db('batches').where({ id: batchId }).update({ image_retention: o.batchRetention });
  const bytes = fakeJpegBytes();
  const blobKey = await t.deps.blobs.put(bytes);
  const createdAt = now - (o.createdAgoMs ?? 0);
  const processedAt = o.processedAgoMs === null ? null : now - (o.processedAgoMs ?? 0);
  const imageId = await insertImage(t.deps.db, userId, batchId, {
    status: o.status ?? 'done',
    blob_key: blobKey,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    created_at: createdAt,
    updated_at: processedAt ?? createdAt,
    processed_at: processedAt,
  });
  return { imageId, blobKey, userId, batchId };
}

/** Names of the working copies on disk (temp files included). */
export function blobFilesOnDisk(t: TestApp): string[] {
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]))
      : [];
  return walk(localBlobs(t).dir);
}

/**
 * `paths` without the accounts' text keys, which on PostgreSQL live in the blob store beside the
 * working copies (a 32-byte key, sealed, per account; see server/db/text-keys.ts).
 */
export async function withoutTextKeys(t: TestApp, paths: string[]): Promise<string[]> {
  const keys = await textKeyBlobNames(t.deps.db);
  return paths.filter((p) => !keys.some((k) => p.includes(`/blobs/${k}`)));
}

/** The blob store's names without the accounts' text keys: the working copies alone. */
export async function workingCopyBlobs(t: TestApp): Promise<string[]> {
  const keys = new Set(await textKeyBlobNames(t.deps.db));
  return (await t.deps.blobs.list()).filter((name) => !keys.has(name));
}

/**
 * Makes a blob undeletable for real: a non-empty directory takes the file's place, so unlink fails
 * (EISDIR) even for root, whom file permissions would not stop.
 */
export function pinInPlace(file: string): void {
  fs.rmSync(file);
  fs.mkdirSync(file);
  fs.writeFileSync(`${file}/pinned`, 'x');
}
