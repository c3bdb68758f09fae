import type { Knex } from 'knex';

export async function setBatchBudgetCap(db: Knex, userId: number, batchId: string, cap: number | null): Promise<boolean> {
  return (await db('batches').where({ id: batchId, user_id: userId }).update({ budget_cap: cap })) === 1;
}

/** Every token the batch's images used, over every generated version (describing again counts too). */
export async function batchTokens(db: Knex, batchId: string): Promise<{ input: number; output: number }> {
  const row = await db('description_versions as v').join('images as i', 'i.id', 'v.image_id').where('i.batch_id', batchId)
    .first(db.raw('coalesce(sum(v.input_tokens), 0) as input'), db.raw('coalesce(sum(v.output_tokens), 0) as output'));
  return { input: Number(row?.input ?? 0), output: Number(row?.output ?? 0) };
}
