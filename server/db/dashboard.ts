import type { Knex } from 'knex';

export interface BatchSummary {
  id: string;
  name: string;
  created_at: number;
  images: number;
  done: number;
}

/**
 * The user's latest batches with how many of their images are described. The batches come straight
 * off the (user_id, created_at) index, and each count off (batch_id, status).
 */
export async function recentBatchSummaries(db: Knex, userId: number, limit = 10): Promise<BatchSummary[]> {
  const images = (status?: string) => {
    const count = db('images as i').whereRaw('i.batch_id = b.id').count('*');
    return status ? count.andWhere('i.status', status) : count;
  };
  const rows: Record<string, unknown>[] = await db('batches as b')
    .where('b.user_id', userId)
    .orderBy('b.created_at', 'desc')
    .limit(limit)
    .select('b.id', 'b.name', 'b.created_at', images().as('images'), images('done').as('done'));
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    created_at: Number(row.created_at),
    images: Number(row.images),
    done: Number(row.done ?? 0),
  }));
}
