import type { Knex } from 'knex';
import { sealColumns, sealsText } from './text-codec';
import { SEALED_TABLES, rowKey } from './sealed-tables';
import { bindTextKeys, keyRingFor, type KeyBlobs } from './text-keys';

/** Rows sealed per statement when sealing or re-sealing in bulk. */
const CHUNK = 200;

/** At boot, once the blob store exists: the database gets its key ring, then old plaintext is sealed. */
export async function startTextKeys(db: Knex, blobs: KeyBlobs): Promise<void> {
  bindTextKeys(db, blobs);
  await sealExistingText(db);
}

/**
 * At boot on PostgreSQL: seals the text of rows written before text was sealed (key_generation
 * null), so an installation that upgrades keeps its text and stops keeping it in plaintext. Rows are
 * read through the codec (plaintext passes through it unchanged) and each update is conditional, so
 * two processes booting at once seal a row once.
 */
export async function sealExistingText(db: Knex): Promise<number> {
  if (!sealsText(db)) return 0;
  let sealed = 0;
  for (const sealedTable of SEALED_TABLES) {
    const { table, columns, search } = sealedTable;
    for (;;) {
      const rows: Record<string, unknown>[] = await db(table).whereNull('key_generation').whereNotNull('user_id').limit(CHUNK).select();
      for (const row of rows) {
        const values = Object.fromEntries(columns.map((c) => [c, row[c]]));
        const changes = await sealColumns(db, row.user_id as number, values, columns, search ? row : undefined, search);
        sealed += await db(table).where(rowKey(sealedTable, row)).whereNull('key_generation').update(changes);
      }
      if (rows.length < CHUNK) break;
    }
  }
  return sealed;
}

/**
 * Destroys every text key of an account (after its rows are deleted): the blobs first, then their
 * names. A failure leaves the name in place, so finishAccountDeletions tries again.
 */
export async function destroyTextKeys(db: Knex, userId: number): Promise<void> {
  const ring = keyRingFor(db);
  if (!sealsText(db) || !ring) return;
  const row = await db('users').where({ id: userId }).first('text_key_name', 'text_key_retired_name');
  if (!row) return;
  for (const column of ['text_key_name', 'text_key_retired_name'] as const) {
    const name = row[column] as string | null;
    if (!name) continue;
    await ring.blobs.delete(name);
    await db('users').where({ id: userId, [column]: name }).update({ [column]: null });
  }
  await db('users').where({ id: userId }).update({ text_key_retired_generation: null });
  ring.forget(userId);
}

/** Anonymised accounts whose keys are not destroyed yet (a blob store that failed at the time). */
export async function accountsWithLeftoverKeys(db: Knex): Promise<number[]> {
  if (!sealsText(db)) return [];
  const rows: { id: number }[] = await db('users')
    .whereNotNull('anonymised_at')
    .where((q) => q.whereNotNull('text_key_name').orWhereNotNull('text_key_retired_name'))
    .select('id');
  return rows.map((r) => r.id);
}

/** The names of every key blob, which the orphan sweep must not take for leftovers. */
export async function textKeyBlobNames(db: Knex): Promise<string[]> {
  if (!sealsText(db)) return [];
  const rows: { a: string | null; b: string | null }[] = await db('users').select({ a: 'text_key_name', b: 'text_key_retired_name' });
  return rows.flatMap((r) => [r.a, r.b]).filter((n): n is string => n !== null);
}
