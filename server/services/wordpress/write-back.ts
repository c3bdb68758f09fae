import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { descriptionsFor } from '../../db/descriptions';
import { listImagesForExport } from '../../db/images';
import { siteMedia, type MediaRow } from '../../db/wordpress-scans';
import { recordWrites, type WriteField, type WriteRow } from '../../db/wordpress-writes';
import { wpCall, WordPressError, type Credentials } from './client';
import { loadSite, siteCredentials } from './connect';
import { reclassify } from './scan';

/** Writes at once: php-fpm pools commonly have 5 workers; this leaves room for the site's visitors. */
const WRITE_AT_ONCE = 4;
/** Tries for a transient failure (timeout, 5xx, unreachable), with a growing pause between them. */
export const WRITE_ATTEMPTS = 3;
const RETRY_PAUSE_MS = 300;
/** Writes recorded together: a crash loses the record of at most this many, and the disk flushes once per group. */
const RECORD_EVERY = 25;

export interface WriteBackOptions {
  /** Alt text always; caption and title when chosen. */
  fields?: WriteField[];
  /** Write even where the alt text changed on the site since the scan. */
  overwrite?: boolean;
  mediaIds?: number[];
  /** A team workspace that requires approval writes approved text only, and records who approved it. */
  approvalRequired?: boolean;
  /** The person running the write-back, recorded as the approver where approval is not required. */
  actorId?: number;
}

export interface WriteBackResult {
  runId: string;
  written: number;
  conflicts: { mediaId: number; scanned: string; current: string; proposed: string }[];
  failed: { mediaId: number; reason: string }[];
  /** Described images not yet marked reviewed: never written. */
  notReviewed: number;
}

interface WpItem {
  id: number;
  alt_text: string;
  caption: { raw?: string; rendered?: string } | string;
  title: { raw?: string; rendered?: string } | string;
}

function raw(value: WpItem['caption']): string {
  return typeof value === 'string' ? value : String(value?.raw ?? value?.rendered ?? '');
}

export function fieldsOf(item: WpItem): Record<WriteField, string> {
  return { alt_text: String(item.alt_text ?? ''), caption: raw(item.caption), title: raw(item.title) };
}

/** WordPress trims and collapses what it stores (sanitize_text_field): compare as it would. */
export function sameText(a: string, b: string): boolean {
  return a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
}

/** One call, tried again on a transient failure; the last error is thrown with the number of tries. */
export async function withRetries<T>(call: () => Promise<T>): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await call(), attempts: attempt };
    } catch (err) {
      if (!(err instanceof WordPressError) || !err.retryable || attempt >= WRITE_ATTEMPTS) throw Object.assign(err as Error, { attempts: attempt });
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * attempt));
    }
  }
}

export function readItem(deps: Pick<Deps, 'config'>, creds: Credentials, mediaId: number, resolve?: Resolver) {
  return wpCall<WpItem>(deps, creds, 'GET', `/wp/v2/media/${mediaId}?context=edit&_fields=id,alt_text,caption,title`, undefined, resolve);
}

export function writeItem(deps: Pick<Deps, 'config'>, creds: Credentials, mediaId: number, values: Partial<Record<WriteField, string>>, resolve?: Resolver) {
  return wpCall<WpItem>(deps, creds, 'POST', `/wp/v2/media/${mediaId}?context=edit&_fields=id,alt_text,caption,title`, values, resolve);
}

export function failureReason(err: unknown): string {
  if (err instanceof WordPressError && err.kind === 'not_found') return 'The image was deleted from the site after the scan.';
  if (err instanceof WordPressError && err.kind === 'unauthorized') return 'The site refused the sign-in: the Application Password may have been revoked. Connect the site again.';
  if (err instanceof WordPressError && err.kind === 'forbidden') return 'The account may not edit this image (is it still an Editor?).';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Writes the reviewed descriptions of a site's described images back to WordPress. Each image is
 * re-read just before: if its alt text changed since the scan, that is a conflict, shown with both
 * versions and left alone unless `overwrite`. Every write, conflict and failure is recorded.
 */
export async function writeBack(deps: Deps, userId: number, siteId: string, opts: WriteBackOptions = {}, resolve?: Resolver): Promise<WriteBackResult> {
  const site = await loadSite(deps, userId, siteId);
  const creds = siteCredentials(deps, site);
  const fields: WriteField[] = ['alt_text', ...(opts.fields ?? []).filter((f) => f !== 'alt_text')];
  const wanted = opts.mediaIds ? new Set(opts.mediaIds) : undefined;
  const media = (await siteMedia(deps.db, userId, siteId)).filter((m) => m.image_id && (!wanted || wanted.has(m.media_id)));
  const images = new Map((await listImagesForExport(deps.db, userId, undefined, media.map((m) => m.image_id!))).map((i) => [i.id, i]));
  const reviewed = media.filter((m) => {
    const image = images.get(m.image_id!);
    return opts.approvalRequired ? image?.approval === 'approved' : image?.reviewed_at != null;
  });
  const descriptions = await descriptionsFor(deps.db, userId, reviewed.map((m) => m.image_id!));
  const ready = reviewed.filter((m) => descriptions.has(m.image_id!));
  if (ready.length === 0) {
    throw new HttpError(400, opts.approvalRequired ? 'Nothing to write: an editor approves the described images first.' : 'Nothing to write: mark the described images reviewed first.', 'nothing_reviewed');
  }

  const runId = `run_${crypto.randomBytes(12).toString('base64url')}`;
  const result: WriteBackResult = { runId, written: 0, conflicts: [], failed: [], notReviewed: media.length - reviewed.length };
  let rows: WriteRow[] = [];
  let updates: { mediaId: number; fields: Partial<Record<WriteField, string>> }[] = [];
  const flush = async () => {
    const [taken, changed] = [rows, updates];
    [rows, updates] = [[], []];
    await recordWrites(deps.db, userId, siteId, taken.sort((a, b) => a.media_id - b.media_id), changed);
  };
  const approver = (item: MediaRow) => (opts.approvalRequired ? (images.get(item.image_id!) as { approval_by?: number | null } | undefined)?.approval_by ?? null : opts.actorId ?? userId);
  const base = (item: MediaRow) => ({ site_id: siteId, user_id: userId, run_id: runId, approved_by: approver(item), created_at: deps.clock.now().getTime(), undone_at: null });

  const writeOne = async (item: MediaRow): Promise<void> => {
    const description = descriptions.get(item.image_id!)!;
    const proposed: Record<WriteField, string> = { alt_text: description.alt_text, caption: description.caption, title: description.title };
    let attempts = 0;
    try {
      const read = await withRetries(() => readItem(deps, creds, item.media_id, resolve));
      attempts = read.attempts;
      const current = fieldsOf(read.value.body);
      // Already holding our text is no conflict: an earlier write whose answer was lost (the site went down) reached it.
      if (!opts.overwrite && !sameText(current.alt_text, item.alt_text) && !sameText(current.alt_text, proposed.alt_text)) {
        result.conflicts.push({ mediaId: item.media_id, scanned: item.alt_text, current: current.alt_text, proposed: proposed.alt_text });
        rows.push({ ...base(item), media_id: item.media_id, field: 'alt_text', old_value: item.alt_text, new_value: proposed.alt_text, current_value: current.alt_text, status: 'conflict', error: null, attempts });
        return;
      }
      const values = Object.fromEntries(fields.map((f) => [f, proposed[f]]));
      const written = await withRetries(() => writeItem(deps, creds, item.media_id, values, resolve));
      attempts += written.attempts;
      const stored = fieldsOf(written.value.body);
      for (const f of fields) rows.push({ ...base(item), media_id: item.media_id, field: f, old_value: current[f], new_value: stored[f], current_value: null, status: 'written', error: null, attempts });
      updates.push({ mediaId: item.media_id, fields: Object.fromEntries(fields.map((f) => [f, stored[f]])) });
      result.written += 1;
    } catch (err) {
      if (!(err instanceof WordPressError)) throw err;
      const reason = failureReason(err);
      result.failed.push({ mediaId: item.media_id, reason });
      rows.push({ ...base(item), media_id: item.media_id, field: 'alt_text', old_value: item.alt_text, new_value: proposed.alt_text, current_value: null, status: 'failed', error: reason.slice(0, 500), attempts: attempts + ((err as { attempts?: number }).attempts ?? 1) });
    }
  };

  let next = 0;
  try {
    await Promise.all(Array.from({ length: WRITE_AT_ONCE }, async () => {
      for (let i = next++; i < ready.length; i = next++) {
        await writeOne(ready[i]);
        if (rows.length >= RECORD_EVERY) await flush();
      }
    }));
  } finally {
    // What was written stays on record even when something unforeseen stops the run.
    await flush();
  }
  await reclassify(deps, userId, siteId);
  return result;
}
