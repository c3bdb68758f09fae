import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { WORDPRESS_MEDIA_TEXT } from './sealed-tables';

/** All SQL for WordPress scans and the media they found; every query is scoped by the owning account. */
export interface ScanRow {
  id: string;
  site_id: string;
  user_id: number;
  status: 'running' | 'done' | 'failed';
  modified_after: string | null;
  max_modified: string | null;
  next_page: number;
  total_pages: number | null;
  total_items: number | null;
  items_seen: number;
  error: string | null;
  started_at: number;
  heartbeat_at: number;
  finished_at: number | null;
}

export interface MediaRow {
  id?: number;
  site_id: string;
  user_id: number;
  media_id: number;
  source_url: string;
  alt_text: string;
  caption: string;
  title: string;
  modified_gmt: string;
  parent_post: number | null;
  quality: 'missing' | 'weak' | 'good';
  findings: string;
  image_id?: string | null;
  updated_at: number;
}

export async function insertScan(db: Knex, row: ScanRow): Promise<void> {
  await db('wordpress_scans').insert(row);
}

export async function findScan(db: Knex, userId: number, id: string): Promise<ScanRow | undefined> {
  return db('wordpress_scans').where({ id, user_id: userId }).first();
}

export async function latestScans(db: Knex, userId: number, siteId: string, limit = 5): Promise<ScanRow[]> {
  return db('wordpress_scans').where({ site_id: siteId, user_id: userId }).orderBy('started_at', 'desc').limit(limit);
}

/** The latest modification time finished scans saw (the site's own clock): a later scan asks only for what changed since. */
export async function lastModifiedSeen(db: Knex, userId: number, siteId: string): Promise<string | undefined> {
  const row = await db('wordpress_scans').where({ site_id: siteId, user_id: userId, status: 'done' }).max({ at: 'max_modified' }).first();
  return row?.at ?? undefined;
}

export async function updateScan(db: Knex, userId: number, id: string, fields: Partial<ScanRow>): Promise<void> {
  await db('wordpress_scans').where({ id, user_id: userId }).update(fields);
}

/** Running scans last heard of before `before` (their process stopped): the ones to resume. */
export async function staleRunningScans(db: Knex, before: number): Promise<ScanRow[]> {
  return db('wordpress_scans').where({ status: 'running' }).where('heartbeat_at', '<', before).orderBy('started_at', 'asc');
}

/** Takes over a stale scan; false when another process took it (or it moved) first. */
export async function claimScan(db: Knex, scan: ScanRow, now: number): Promise<boolean> {
  const taken = await db('wordpress_scans').where({ id: scan.id, status: 'running', heartbeat_at: scan.heartbeat_at }).update({ heartbeat_at: now });
  return taken === 1;
}

/** Saves one page of items; a re-scanned item keeps what Sightline added to it (its image). */
export async function upsertMedia(db: Knex, rows: MediaRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sealed: MediaRow[] = [];
  for (const r of rows) sealed.push(await sealColumns(db, r.user_id, r, WORDPRESS_MEDIA_TEXT));
  await db('wordpress_media')
    .insert(sealed)
    .onConflict(['site_id', 'media_id'])
    .merge(['source_url', 'alt_text', 'caption', 'title', 'modified_gmt', 'parent_post', 'quality', 'findings', 'updated_at', ...(sealed[0] && 'key_generation' in sealed[0] ? ['key_generation'] : [])]);
}

export async function siteMedia(db: Knex, userId: number, siteId: string): Promise<MediaRow[]> {
  return db('wordpress_media').where({ site_id: siteId, user_id: userId }).orderBy('media_id', 'asc');
}

export async function mediaByIds(db: Knex, userId: number, siteId: string, mediaIds: number[]): Promise<MediaRow[]> {
  const rows: MediaRow[] = [];
  // SQLite takes at most 999 bound parameters in one statement.
  for (let i = 0; i < mediaIds.length; i += 500) {
    rows.push(...(await db('wordpress_media').where({ site_id: siteId, user_id: userId }).whereIn('media_id', mediaIds.slice(i, i + 500))));
  }
  return rows.sort((a, b) => a.media_id - b.media_id);
}

export async function mediaOfQualities(db: Knex, userId: number, siteId: string, qualities: string[]): Promise<MediaRow[]> {
  return db('wordpress_media').where({ site_id: siteId, user_id: userId }).whereIn('quality', qualities).orderBy('media_id', 'asc');
}

export async function setMediaQuality(db: Knex, userId: number, siteId: string, changes: { mediaId: number; quality: MediaRow['quality']; findings: string }[]): Promise<void> {
  await db.transaction(async (trx) => {
    for (const c of changes) await trx('wordpress_media').where({ site_id: siteId, user_id: userId, media_id: c.mediaId }).update({ quality: c.quality, findings: c.findings });
  });
}

export async function qualityCounts(db: Knex, userId: number, siteId: string): Promise<Record<'missing' | 'weak' | 'good', number>> {
  const rows = await db('wordpress_media').where({ site_id: siteId, user_id: userId }).select('quality').count({ n: '*' }).groupBy('quality');
  const counts = { missing: 0, weak: 0, good: 0 };
  for (const row of rows as { quality: keyof typeof counts; n: number | string }[]) counts[row.quality] = Number(row.n);
  return counts;
}

export async function setMediaImages(db: Knex, userId: number, siteId: string, pairs: { mediaId: number; imageId: string }[]): Promise<void> {
  await db.transaction(async (trx) => {
    for (const p of pairs) await trx('wordpress_media').where({ site_id: siteId, user_id: userId, media_id: p.mediaId }).update({ image_id: p.imageId });
  });
}

export async function countDescribed(db: Knex, userId: number, siteId: string): Promise<number> {
  const row = await db('wordpress_media').where({ site_id: siteId, user_id: userId }).whereNotNull('image_id').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
