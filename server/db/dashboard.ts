import type { Knex } from 'knex';
import { hotReadUnlessWritten } from './hot-read';

export interface BatchSummary {
  id: string;
  name: string;
  created_at: number;
  images: number;
  done: number;
}

/**
 * Plain SQL run as a hot read, because every dashboard view runs it. The latest batches
 * come straight off the (user_id, created_at) index, and each count off (batch_id, status), so
 * SQLite sorts and groups nothing.
 */
const RECENT_BATCHES_SQL = `
  select b.id, b.name, b.created_at,
         (select count(*) from images i where i.batch_id = b.id) as images,
         (select count(*) from images i where i.batch_id = b.id and i.status = 'done') as done
  from batches b
  where b.user_id = ?
  order by b.created_at desc
  limit ?`;

type Row = Record<string, unknown>;

/** The user's latest batches with how many of their images are described. */
export async function recentBatchSummaries(db: Knex, userId: number, limit = 10): Promise<BatchSummary[]> {
  const rows = await hotReadUnlessWritten<Row>(db, RECENT_BATCHES_SQL, [userId, limit]);
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    created_at: Number(row.created_at),
    images: Number(row.images),
    done: Number(row.done ?? 0),
  }));
}
