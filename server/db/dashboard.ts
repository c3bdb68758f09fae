import type { Knex } from 'knex';

export interface BatchSummary {
  id: string;
  name: string;
  created_at: number;
  images: number;
  done: number;
}

/** The user's latest batches with how many of their images are described. */
export async function recentBatchSummaries(db: Knex, userId: number, limit = 10): Promise<BatchSummary[]> {
  const rows: Record<string, unknown>[] = await db('batches as b')
    .leftJoin('images as i', 'i.batch_id', 'b.id')
    .where('b.user_id', userId)
    .groupBy('b.id', 'b.name', 'b.created_at')
    .orderBy('b.created_at', 'desc')
    .limit(limit)
    .select('b.id', 'b.name', 'b.created_at', db.raw('count(i.id) as images'), db.raw("sum(case when i.status = 'done' then 1 else 0 end) as done"));
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    created_at: Number(row.created_at),
    images: Number(row.images),
    done: Number(row.done ?? 0),
  }));
}
