import type { Deps } from '../../deps';
import { referencedBlobKeys } from '../../db/retention';

export interface SweepCounts {
  /** Blobs older than the grace period, each checked against the image rows. */
  files: number;
  orphans: number;
  tempFiles: number;
  skipped: number;
}

/**
 * A blob is written before its image row commits, by this process or another one sharing the store;
 * younger unreferenced blobs (and temp files) may be mid-upload, at boot too.
 */
export const ORPHAN_GRACE_MS = 15 * 60 * 1000;

/**
 * Deletes blobs no image row points to (aborted uploads, rows deleted around a crash) and stale
 * temp files. Fail safe: when the store cannot be read, nothing is deleted or marked (PhotoPrism
 * #2299). Ages are compared with the real time, because file and object times are real.
 */
export async function sweepBlobFiles(deps: Deps, graceMs = ORPHAN_GRACE_MS): Promise<SweepCounts> {
  const counts: SweepCounts = { files: 0, orphans: 0, tempFiles: 0, skipped: 0 };
  if (!(await deps.blobs.available())) {
    counts.skipped = 1;
    return counts;
  }
  const old = await deps.blobs.list({ modifiedBefore: Date.now() - graceMs });
  counts.files = old.length;
  // Read the keys after listing: a blob whose row commits in between is then seen as referenced.
  const referenced = await referencedBlobKeys(deps.db);
  for (const key of old) {
    if (referenced.has(key)) continue;
    if (await deps.blobs.delete(key)) counts.orphans += 1;
  }
  counts.tempFiles = await deps.blobs.sweepTempFiles(graceMs);
  return counts;
}
