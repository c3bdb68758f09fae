import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { Resolver } from '../../net';
import {
  claimScan, findScan, insertScan, lastModifiedSeen, siteMedia, staleRunningScans, updateScan, upsertMedia, setMediaQuality,
  type MediaRow, type ScanRow,
} from '../../db/wordpress-scans';
import { HttpError } from '../../middleware/errors';
import { findSite } from '../../db/wordpress-sites';
import { wpCall, WordPressError, type Credentials } from './client';
import { siteCredentials } from './connect';
import { classifyAll, fileNameOf } from './classify';

/** WordPress answers 400 above 100 per page. */
const PER_PAGE = 100;
/** A running scan not heard of for this long belongs to a stopped process and is resumed. */
export const SCAN_STALE_MS = 2 * 60_000;
/** A failing page is tried this many times (a site's hiccup) before the scan is marked failed. */
const PAGE_ATTEMPTS = 3;

type ScanDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'logger'>;

interface WpMedia {
  id: number;
  source_url: string;
  alt_text: string;
  caption: { raw?: string; rendered?: string };
  title: { raw?: string; rendered?: string };
  modified: string;
  modified_gmt: string;
  post: number | null;
}

/** Starts a scan of the site's images: everything the first time, what changed since the last finished scan later. */
export async function startScan(deps: ScanDeps, userId: number, siteId: string, opts: { full?: boolean } = {}): Promise<ScanRow> {
  if (!(await findSite(deps.db, userId, siteId))) throw new HttpError(404, 'No such WordPress site.', 'not_found');
  const since = opts.full ? undefined : await lastModifiedSeen(deps.db, userId, siteId);
  const now = deps.clock.now().getTime();
  const row: ScanRow = {
    id: `scan_${crypto.randomBytes(12).toString('base64url')}`,
    site_id: siteId,
    user_id: userId,
    status: 'running',
    modified_after: since === undefined ? null : oneSecondBefore(since),
    max_modified: null,
    next_page: 1,
    total_pages: null,
    total_items: null,
    items_seen: 0,
    error: null,
    started_at: now,
    heartbeat_at: now,
    finished_at: null,
  };
  await insertScan(deps.db, row);
  return row;
}

/** WordPress's "after" is strict and to the second: one second back so an edit in that same second is not missed. */
function oneSecondBefore(localTime: string): string {
  const at = Date.parse(`${localTime}Z`);
  return Number.isNaN(at) ? localTime : new Date(at - 1000).toISOString().slice(0, 19);
}

function mediaRoute(scan: ScanRow, page: number): string {
  const query = new URLSearchParams({ media_type: 'image', per_page: String(PER_PAGE), page: String(page), context: 'edit', orderby: 'id', order: 'asc' });
  query.set('_fields', 'id,source_url,alt_text,caption,title,modified,modified_gmt,post');
  if (scan.modified_after) query.set('modified_after', scan.modified_after);
  return `/wp/v2/media?${query}`;
}

async function fetchPage(deps: ScanDeps, creds: Credentials, scan: ScanRow, page: number, resolve?: Resolver) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await wpCall<WpMedia[]>(deps, creds, 'GET', mediaRoute(scan, page), undefined, resolve);
    } catch (err) {
      if (!(err instanceof WordPressError) || !err.retryable || attempt >= PAGE_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/**
 * Fetches and saves the scan's next page, and the page reached, in that order: a scan cut off by a
 * restart carries on from the first page it had not saved. True when pages remain.
 */
export async function scanNextPage(deps: ScanDeps, scan: ScanRow, creds: Credentials, resolve?: Resolver): Promise<{ scan: ScanRow; more: boolean }> {
  const page = scan.next_page;
  const { body, headers } = await fetchPage(deps, creds, scan, page, resolve);
  const now = deps.clock.now().getTime();
  const rows = body.map((m) => toRow(scan.site_id, scan.user_id, m, now));
  // Classified on the page at once, so the closing pass over the library changes only what other pages alter (duplicates).
  const classified = classifyAll(rows.map((r) => ({ key: r.media_id, altText: r.alt_text, fileName: fileNameOf(r.source_url) })));
  await upsertMedia(deps.db, rows.map((r) => ({ ...r, ...classified.get(r.media_id)! })));
  const totalPages = Number(headers['x-wp-totalpages'] ?? 1) || 1;
  const latest = body.reduce((max, m) => (m.modified > max ? m.modified : max), scan.max_modified ?? '');
  const fields: Partial<ScanRow> = { max_modified: latest || null, next_page: page + 1, total_pages: totalPages, total_items: Number(headers['x-wp-total'] ?? 0), items_seen: scan.items_seen + body.length, heartbeat_at: now };
  await updateScan(deps.db, scan.user_id, scan.id, fields);
  return { scan: { ...scan, ...fields }, more: page < totalPages && body.length > 0 };
}

/**
 * Pages through the media library from the scan's `next_page`, then classifies the whole library
 * (duplicates are across images). A site's error ends the scan as failed, with the reason.
 */
export async function runScan(deps: ScanDeps, userId: number, scanId: string, resolve?: Resolver): Promise<ScanRow> {
  let scan = await findScan(deps.db, userId, scanId);
  if (!scan || scan.status !== 'running') throw new HttpError(404, 'No such running scan.', 'not_found');
  const site = await findSite(deps.db, userId, scan.site_id);
  if (!site) throw new HttpError(404, 'No such WordPress site.', 'not_found');
  const creds = siteCredentials(deps, site);
  try {
    for (let more = true; more; ) ({ scan, more } = await scanNextPage(deps, scan, creds, resolve));
    await reclassify(deps, userId, site.id);
    const done: Partial<ScanRow> = { status: 'done', finished_at: deps.clock.now().getTime() };
    await updateScan(deps.db, userId, scan.id, done);
    return { ...scan, ...done };
  } catch (err) {
    if (!(err instanceof WordPressError)) throw err;
    const failed: Partial<ScanRow> = { status: 'failed', error: err.message.slice(0, 500), finished_at: deps.clock.now().getTime() };
    await updateScan(deps.db, userId, scan.id, failed);
    return { ...scan, ...failed };
  }
}

function toRow(siteId: string, userId: number, m: WpMedia, now: number): MediaRow {
  return {
    site_id: siteId,
    user_id: userId,
    media_id: m.id,
    source_url: String(m.source_url ?? ''),
    alt_text: String(m.alt_text ?? ''),
    caption: String(m.caption?.raw ?? m.caption?.rendered ?? ''),
    title: String(m.title?.raw ?? m.title?.rendered ?? ''),
    modified_gmt: String(m.modified_gmt ?? ''),
    parent_post: m.post ?? null,
    quality: 'missing',
    findings: '',
    updated_at: now,
  };
}

/** Re-runs the checks over the site's whole library and saves what changed. */
export async function reclassify(deps: Pick<Deps, 'db'>, userId: number, siteId: string): Promise<void> {
  const media = await siteMedia(deps.db, userId, siteId);
  const classified = classifyAll(media.map((m) => ({ key: m.media_id, altText: m.alt_text, fileName: fileNameOf(m.source_url) })));
  const changes = media
    .map((m) => ({ mediaId: m.media_id, before: m, ...classified.get(m.media_id)! }))
    .filter((c) => c.quality !== c.before.quality || c.findings !== c.before.findings);
  await setMediaQuality(deps.db, userId, siteId, changes);
}

/** Runs a scan in the background (the page shows its progress); errors are logged, never thrown. */
export function scanLater(deps: ScanDeps, userId: number, scanId: string): void {
  runScan(deps, userId, scanId).catch((err) => deps.logger.error({ err, scanId }, 'WordPress scan stopped'));
}

/**
 * Carries on scans whose process stopped (a restart): those not heard of for SCAN_STALE_MS. Not
 * "every running scan at boot": another process (a web role) may be running one right now.
 */
export async function resumeScans(deps: ScanDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  let resumed = 0;
  for (const scan of await staleRunningScans(deps.db, now - SCAN_STALE_MS)) {
    if (!(await claimScan(deps.db, scan, now))) continue;
    await runScan(deps, scan.user_id, scan.id);
    resumed += 1;
  }
  return resumed;
}
