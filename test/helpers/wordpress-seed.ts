import crypto from 'node:crypto';
import type { Deps } from '../../server/deps';
import { insertSite } from '../../server/db/wordpress-sites';
import { insertScan, upsertMedia } from '../../server/db/wordpress-scans';
import { insertWrites } from '../../server/db/wordpress-writes';

/**
 * A connected site with a finished scan, images to fix and a write-back run, written straight to the
 * tables (no WordPress runs): for looking at the pages, with long names that must wrap.
 */
export async function seedWordPressSite(deps: Deps, userId: number, long: { url: string; files: string[] }): Promise<string> {
  // Called once per look at the page: each call its own site.
  const seed = crypto.randomBytes(6).toString('hex');
  const id = `wp_${seed}`;
  const now = deps.clock.now().getTime();
  await insertSite(deps.db, { id, user_id: userId, site_url: long.url, site_name: '', user_login: 'editor-with-a-long-user-name', password_encrypted: 'not-a-real-password', language: 'en', created_at: now, updated_at: now });
  await insertScan(deps.db, { id: `scan_${seed}`, site_id: id, user_id: userId, status: 'done', modified_after: null, max_modified: null, next_page: 2, total_pages: 1, total_items: 3, items_seen: 3, error: null, started_at: now, heartbeat_at: now, finished_at: now });
  await upsertMedia(deps.db, long.files.map((file, i) => ({
    site_id: id, user_id: userId, media_id: i + 1, source_url: `${long.url}/${file}`, alt_text: i === 0 ? '' : file, caption: '', title: file,
    modified_gmt: '2026-12-01T10:00:00', parent_post: null, quality: i === 0 ? 'missing' : 'weak', findings: i === 0 ? '' : 'File name', image_id: `img_${seed}_${i}`, updated_at: now,
  })));
  const base = { site_id: id, user_id: userId, run_id: `run_${seed}`, current_value: null, error: null, attempts: 1, approved_by: userId, created_at: now, undone_at: null };
  await insertWrites(deps.db, [
    { ...base, media_id: 2, field: 'alt_text', old_value: long.files[1], new_value: 'A long sentence of alt text that describes a product photograph in the detail a reader needs', status: 'written' },
    { ...base, media_id: 3, field: 'alt_text', old_value: long.files[2], new_value: 'Sightline’s text', current_value: 'Text someone wrote by hand in WordPress after the scan', status: 'conflict' },
  ]);
  return id;
}
