import type { Knex } from 'knex';

/** What the checks need of each image besides its text: its file name and its batch's options. */
export function imageFlagFacts(db: Knex, userId: number, imageIds: readonly string[]): Promise<{ id: string; original_name: string; options_json: string }[]> {
  return db('images as i')
    .join('batches as b', 'b.id', 'i.batch_id')
    .where('i.user_id', userId)
    .whereIn('i.id', [...imageIds])
    .select('i.id', 'i.original_name', 'b.options_json', 'i.user_id');
}

export async function setImageFlags(db: Knex, userId: number, imageId: string, flags: string | null): Promise<void> {
  await db('images').where({ id: imageId, user_id: userId }).update({ flags });
}

/** Described images whose text was never checked. */
export function imagesNeedingFlags(db: Knex, limit: number): Promise<{ id: string; user_id: number }[]> {
  return db('images').where({ status: 'done' }).whereNull('flags').limit(limit).select('id', 'user_id');
}

/** A filter by what the checks found: anything, nothing, or one check (rule ids are [a-z_] only). */
export function whereFlagged(query: Knex.QueryBuilder, column: string, flagged: string): void {
  if (flagged === 'yes') query.whereNotNull(column).andWhereNot(column, '');
  else if (flagged === 'no') query.where(column, '');
  else query.whereRaw("(',' || ?? || ',') like ?", [column, `%,${flagged},%`]);
}
