import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { WORDPRESS_MEDIA_TEXT, WORDPRESS_WRITE_TEXT } from './sealed-tables';

/** All SQL for the record of writes to WordPress; every query is scoped by the owning account. */
export type WriteField = 'alt_text' | 'caption' | 'title';

export interface WriteRow {
  id?: number;
  site_id: string;
  user_id: number;
  run_id: string;
  media_id: number;
  field: WriteField;
  old_value: string;
  new_value: string;
  current_value: string | null;
  status: 'written' | 'conflict' | 'failed' | 'undone';
  error: string | null;
  attempts: number;
  approved_by: number | null;
  created_at: number;
  undone_at: number | null;
}

export async function insertWrites(db: Knex, rows: WriteRow[]): Promise<void> {
  const sealed: WriteRow[] = [];
  // One after another: in a transaction they share one connection.
  for (const r of rows) sealed.push(await sealColumns(db, r.user_id, r, WORDPRESS_WRITE_TEXT));
  for (let i = 0; i < sealed.length; i += 50) await db('wordpress_writes').insert(sealed.slice(i, i + 50));
}

export async function findWrite(db: Knex, userId: number, id: number): Promise<WriteRow | undefined> {
  return db('wordpress_writes').where({ id, user_id: userId }).first();
}

export async function writesOfRun(db: Knex, userId: number, runId: string): Promise<WriteRow[]> {
  return db('wordpress_writes').where({ run_id: runId, user_id: userId }).orderBy('id', 'asc');
}

export async function recentWrites(db: Knex, userId: number, siteId: string, limit = 100): Promise<WriteRow[]> {
  return db('wordpress_writes').where({ site_id: siteId, user_id: userId }).orderBy('id', 'desc').limit(limit);
}

export async function markUndone(db: Knex, userId: number, id: number, at: number): Promise<void> {
  await db('wordpress_writes').where({ id, user_id: userId, status: 'written' }).update({ status: 'undone', undone_at: at });
}

/** Keeps the scan's copy in step with what Sightline wrote, so the next check compares with it. */
export async function updateMediaFields(db: Knex, userId: number, siteId: string, mediaId: number, fields: Partial<Record<WriteField, string>>): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  const where = { site_id: siteId, user_id: userId, media_id: mediaId };
  // All three sealed again together: the row's key generation must hold for every column it has.
  const row = await db('wordpress_media').where(where).first('alt_text', 'caption', 'title');
  if (!row) return;
  await db('wordpress_media').where(where).update(await sealColumns(db, userId, { alt_text: row.alt_text, caption: row.caption, title: row.title, ...fields }, WORDPRESS_MEDIA_TEXT));
}

/**
 * Records a group of writes and brings the scan's copy of those images up to date, in one
 * transaction: one disk flush for the group, not one per image.
 */
export async function recordWrites(db: Knex, userId: number, siteId: string, rows: WriteRow[], updates: { mediaId: number; fields: Partial<Record<WriteField, string>> }[]): Promise<void> {
  if (rows.length === 0 && updates.length === 0) return;
  await db.transaction(async (trx) => {
    await insertWrites(trx, rows);
    for (const u of updates) await updateMediaFields(trx, userId, siteId, u.mediaId, u.fields);
  });
}
