import fs from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../../deps';
import { referencedBlobKeys } from '../../db/retention';

export interface SweepCounts {
  files: number;
  orphans: number;
  tempFiles: number;
  skipped: number;
}

/** A blob is written before its image row commits; younger unreferenced files may be mid-upload. */
export const ORPHAN_GRACE_MS = 15 * 60 * 1000;

/**
 * Deletes blob files no image row points to (aborted uploads, rows deleted around a crash) and
 * stale temp files. Fail safe: when the blob directory cannot be read, nothing is deleted or
 * marked (PhotoPrism #2299). File ages are compared with the real time, because mtimes are real.
 * At boot nothing is in flight yet, so graceMs 0 removes every leftover.
 */
export async function sweepBlobFiles(deps: Deps, graceMs = ORPHAN_GRACE_MS): Promise<SweepCounts> {
  const counts: SweepCounts = { files: 0, orphans: 0, tempFiles: 0, skipped: 0 };
  let names: string[];
  try {
    await fs.access(deps.blobs.dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    names = await deps.blobs.list();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') deps.logger.error({ err }, 'blob directory unreadable; sweep skipped');
    counts.skipped = 1;
    return counts;
  }
  counts.files = names.length;
  // Read the keys after listing: a blob whose row commits in between is then seen as referenced.
  const referenced = await referencedBlobKeys(deps.db);
  const cutoff = Date.now() - graceMs;
  for (const key of names) {
    if (referenced.has(key)) continue;
    if (graceMs > 0) {
      const stat = await fs.stat(path.join(deps.blobs.dir, key)).catch(() => undefined);
      if (!stat || stat.mtimeMs > cutoff) continue;
    }
    if (await deps.blobs.delete(key)) counts.orphans += 1;
  }
  counts.tempFiles = await deps.blobs.sweepTempFiles(graceMs);
  return counts;
}
