import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { findWrite, markUndone, updateMediaFields, writesOfRun, type WriteRow } from '../../db/wordpress-writes';
import { WordPressError } from './client';
import { loadSite, siteCredentials } from './connect';
import { failureReason, fieldsOf, readItem, sameText, withRetries, writeItem } from './write-back';
import { reclassify } from './scan';

export interface UndoResult {
  undone: number;
  /** Changed on the site since Sightline wrote it: left alone, with both versions. */
  conflicts: { mediaId: number; field: string; written: string; current: string }[];
  failed: { mediaId: number; reason: string }[];
}

/**
 * Puts back what an image held before Sightline wrote to it, unless someone changed it on the site
 * since (then it is left alone and shown as a conflict).
 */
async function undoRows(deps: Deps, userId: number, rows: WriteRow[], resolve?: Resolver): Promise<UndoResult> {
  const result: UndoResult = { undone: 0, conflicts: [], failed: [] };
  const written = rows.filter((r) => r.status === 'written');
  if (written.length === 0) return result;
  const site = await loadSite(deps, userId, written[0].site_id);
  const creds = siteCredentials(deps, site);
  const byMedia = new Map<number, WriteRow[]>();
  for (const row of written) byMedia.set(row.media_id, [...(byMedia.get(row.media_id) ?? []), row]);
  for (const [mediaId, writes] of byMedia) {
    try {
      const current = fieldsOf((await withRetries(() => readItem(deps, creds, mediaId, resolve))).value.body);
      const changed = writes.filter((w) => !sameText(current[w.field], w.new_value));
      if (changed.length > 0) {
        result.conflicts.push(...changed.map((w) => ({ mediaId, field: w.field, written: w.new_value, current: current[w.field] })));
        continue;
      }
      const values = Object.fromEntries(writes.map((w) => [w.field, w.old_value]));
      await withRetries(() => writeItem(deps, creds, mediaId, values, resolve));
      const now = deps.clock.now().getTime();
      for (const w of writes) await markUndone(deps.db, userId, w.id!, now);
      await updateMediaFields(deps.db, userId, site.id, mediaId, values);
      result.undone += 1;
    } catch (err) {
      if (!(err instanceof WordPressError)) throw err;
      result.failed.push({ mediaId, reason: failureReason(err) });
    }
  }
  await reclassify(deps, userId, site.id);
  return result;
}

export async function undoWrite(deps: Deps, userId: number, writeId: number, resolve?: Resolver): Promise<UndoResult> {
  const row = await findWrite(deps.db, userId, writeId);
  if (!row) throw new HttpError(404, 'No such write.', 'not_found');
  return undoRows(deps, userId, [row], resolve);
}

export async function undoRun(deps: Deps, userId: number, runId: string, resolve?: Resolver): Promise<UndoResult> {
  const rows = await writesOfRun(deps.db, userId, runId);
  if (rows.length === 0) throw new HttpError(404, 'No such write-back run.', 'not_found');
  return undoRows(deps, userId, rows, resolve);
}
