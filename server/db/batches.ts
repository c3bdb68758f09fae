import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { BATCH_TEXT } from './sealed-tables';

export interface BatchRow {
  id: string;
  user_id: number;
  name: string;
  options_json: string;
  status: string;
  /** Epoch ms; set while the batch's upload is still arriving (see services/ingest/stream.ts). */
  receiving_until?: number | null;
  image_retention?: string | null;
  /** See services/compare/budget. */
  budget_cap?: number | string | null;
  created_at: number;
  updated_at: number;
}

export async function insertBatch(db: Knex, row: BatchRow): Promise<void> {
  // The options hold the context and instructions a person wrote.
  await db('batches').insert(await sealColumns(db, row.user_id, row, BATCH_TEXT));
}

/** Owner-scoped: another user's batch id reads as missing. */
export async function findBatch(db: Knex, userId: number, batchId: string): Promise<BatchRow | undefined> {
  return db('batches').where({ id: batchId, user_id: userId }).first();
}

/** The user's batches, newest first, for the library's batch filter. */
export async function listBatches(db: Knex, userId: number, limit = 200): Promise<Pick<BatchRow, 'id' | 'name' | 'created_at'>[]> {
  return db('batches').where({ user_id: userId }).orderBy('created_at', 'desc').limit(limit).select('id', 'name', 'created_at');
}
