import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { sealUnder, sealsText } from './text-codec';
import { SEALED_TABLES, rowKey } from './sealed-tables';
import { keyRingFor, type KeyRing } from './text-keys';

/**
 * Deleting an image (or purging old text) while the account lives leaves that text sealed in
 * PostgreSQL's old row versions and WAL, under a key that still exists. So an account that deleted
 * text gets a new key: its remaining rows are re-sealed under it, then the old key's blob is
 * destroyed, and what was deleted can no longer be opened. SQLite needs none of this.
 */

const CHUNK = 200;

/** Notes that these images' owners deleted text (before their rows go), so their keys rotate. */
export async function markTextDeleted(db: Knex, imageIds: readonly string[], now: number): Promise<void> {
  if (!sealsText(db) || imageIds.length === 0) return;
  await db('users')
    .whereIn('id', db('images').whereIn('id', imageIds).distinct('user_id'))
    .whereNotNull('text_key_name')
    .whereNull('text_key_rotate_after')
    .update({ text_key_rotate_after: now });
}

/**
 * Notes that the owners of the rows `deleting` is about to delete had sealed text in them (webhook
 * deliveries and API answers carry copies of results), so their keys rotate. Pass the delete's query.
 */
export async function markRowsTextDeleted(db: Knex, deleting: Knex.QueryBuilder, now: number): Promise<void> {
  if (!sealsText(db)) return;
  await db('users')
    .whereIn('id', deleting.clone().whereNotNull('key_generation').distinct('user_id'))
    .whereNotNull('text_key_name')
    .whereNull('text_key_rotate_after')
    .update({ text_key_rotate_after: now });
}

/** Accounts due a rotation, or with one left half done (a crash between its steps). */
async function accountsToRotate(db: Knex): Promise<number[]> {
  const rows: { id: number }[] = await db('users')
    .whereNull('anonymised_at')
    .where((q) => q.whereNotNull('text_key_rotate_after').orWhereNotNull('text_key_retired_name'))
    .select('id');
  return rows.map((r) => r.id);
}

/** Step 1: a new current key; the old one becomes the retired key, still able to open old rows. */
async function retireCurrentKey(db: Knex, ring: KeyRing, userId: number): Promise<void> {
  const row = await db('users').where({ id: userId }).first('text_key_name', 'text_key_generation', 'text_key_retired_name');
  if (!row || row.text_key_retired_name || !row.text_key_name) {
    await db('users').where({ id: userId }).update({ text_key_rotate_after: null });
    return;
  }
  const key = crypto.randomBytes(32);
  const name = await ring.blobs.put(key);
  const generation = (row.text_key_generation as number) + 1;
  const won = await db('users').where({ id: userId, text_key_name: row.text_key_name }).update({
    text_key_retired_name: row.text_key_name,
    text_key_retired_generation: row.text_key_generation,
    text_key_name: name,
    text_key_generation: generation,
    text_key_rotate_after: null,
  });
  if (won === 1) ring.remember(userId, generation, key);
  else await ring.blobs.delete(name);
}

/** Step 2: re-seals, in chunks, every row still under the retired key; each update is conditional on it. */
async function resealRetired(db: Knex, ring: KeyRing, userId: number, retired: number): Promise<number> {
  const current = await ring.current(userId);
  let moved = 0;
  for (const sealedTable of SEALED_TABLES) {
    const { table, columns, search } = sealedTable;
    for (;;) {
      const rows: Record<string, unknown>[] = await db(table).where({ user_id: userId, key_generation: retired }).limit(CHUNK).select();
      for (const row of rows) {
        const values = Object.fromEntries(columns.map((c) => [c, row[c]]));
        const changes = sealUnder(db, current.key, userId, current.generation, values, columns, search ? row : undefined, search);
        moved += await db(table).where({ ...rowKey(sealedTable, row), key_generation: retired }).update(changes);
      }
      if (rows.length < CHUNK) break;
    }
  }
  return moved;
}

/** Rotates one account's key; answers how many rows moved to the new key. */
export async function rotateTextKey(db: Knex, userId: number): Promise<number> {
  const ring = keyRingFor(db);
  if (!sealsText(db) || !ring) return 0;
  await retireCurrentKey(db, ring, userId);
  const row = await db('users').where({ id: userId }).first('text_key_retired_name', 'text_key_retired_generation');
  if (!row?.text_key_retired_name) return 0;
  const retired = row.text_key_retired_generation as number;
  // Without the retired key the rows would be re-sealed as empty text: stop rather than lose it.
  if (!(await ring.find(userId, retired))) throw new Error(`the retired text key of account ${userId} is missing; rotation stopped`);
  const moved = await resealRetired(db, ring, userId, retired);
  await ring.blobs.delete(row.text_key_retired_name as string);
  await db('users').where({ id: userId, text_key_retired_name: row.text_key_retired_name }).update({ text_key_retired_name: null, text_key_retired_generation: null });
  ring.forget(userId, retired);
  return moved;
}

/** The scheduled job's work: every account that deleted text since the last run. */
export async function rotateTextKeys(db: Knex): Promise<{ rotated: number; resealed: number }> {
  if (!sealsText(db)) return { rotated: 0, resealed: 0 };
  const due = await accountsToRotate(db);
  let resealed = 0;
  for (const userId of due) resealed += await rotateTextKey(db, userId);
  return { rotated: due.length, resealed };
}
