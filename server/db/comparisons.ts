import type { Knex } from 'knex';
import { sealColumns } from './text-codec';
import { COMPARISON_TEXT } from './sealed-tables';
import { enqueueDescribe } from '../queue/enqueue';

/** A describer as it was when a run started: what its results are shown and priced by. */
export interface RunDescriber {
  key: string;
  name: string;
  model: string;
  priceInputPerM: number;
  priceOutputPerM: number;
}

export interface ComparisonRow {
  id: string;
  user_id: number;
  created_by: number | null;
  batch_id: string | null;
  describers: RunDescriber[];
  created_at: number;
}

export interface ComparisonResultRow {
  image_id: string;
  describer_key: string;
  position: number;
  status: 'queued' | 'done' | 'failed';
  alt_text: string | null;
  description: string | null;
  duration_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost: number | null;
  error: string | null;
}

/** The run, one result row per image and describer, and one compare job per result, in one transaction. */
export async function insertComparison(
  trx: Knex.Transaction,
  run: Omit<ComparisonRow, 'describers'> & { describers: RunDescriber[] },
  imageIds: string[],
): Promise<void> {
  await trx('comparisons').insert({
    id: run.id, user_id: run.user_id, created_by: run.created_by, batch_id: run.batch_id,
    describers_json: JSON.stringify(run.describers), created_at: run.created_at,
  });
  for (const [position, imageId] of imageIds.entries()) {
    for (const d of run.describers) {
      await trx('comparison_results').insert({
        comparison_id: run.id, user_id: run.user_id, image_id: imageId, describer_key: d.key, position,
        status: 'queued', created_at: run.created_at, updated_at: run.created_at,
      });
      await enqueueDescribe(trx, { imageId, userId: run.user_id, now: run.created_at, compare: { comparisonId: run.id, describerKey: d.key } });
    }
  }
}

/** The batch's first images whose working copies are still kept, in upload order. */
export async function keptImagesOf(db: Knex, userId: number, batchId: string, count: number): Promise<{ id: string }[]> {
  return db('images').where({ batch_id: batchId, user_id: userId }).whereNotNull('blob_key')
    .orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(count).select('id');
}

export async function findComparison(db: Knex, userId: number, id: string): Promise<ComparisonRow | undefined> {
  const row = await db('comparisons').where({ id, user_id: userId }).first();
  return row ? toRun(row) : undefined;
}

export async function listComparisons(db: Knex, userId: number): Promise<(ComparisonRow & { images: number; pending: number })[]> {
  const rows = await db('comparisons').where({ user_id: userId }).orderBy('created_at', 'desc').select('*');
  const counts: { comparison_id: string; images: number | string; pending: number | string }[] = await db('comparison_results')
    .where({ user_id: userId })
    .groupBy('comparison_id')
    .select('comparison_id', db.raw('count(distinct image_id) as images'), db.raw(`sum(case when status = 'queued' then 1 else 0 end) as pending`));
  const byId = new Map(counts.map((c) => [c.comparison_id, c]));
  return rows.map((r) => ({ ...toRun(r), images: Number(byId.get(r.id)?.images ?? 0), pending: Number(byId.get(r.id)?.pending ?? 0) }));
}

export async function comparisonResults(db: Knex, userId: number, id: string): Promise<(ComparisonResultRow & { original_name: string })[]> {
  const rows = await db('comparison_results as r')
    .join('images as i', 'i.id', 'r.image_id')
    .where({ 'r.comparison_id': id, 'r.user_id': userId })
    .orderBy([{ column: 'r.position' }, { column: 'r.id' }])
    .select('r.image_id', 'r.describer_key', 'r.position', 'r.status', 'r.alt_text', 'r.description', 'r.duration_ms',
      'r.input_tokens', 'r.output_tokens', 'r.cost', 'r.error', 'i.original_name');
  return rows.map((r) => ({
    ...r,
    duration_ms: nullableNumber(r.duration_ms), input_tokens: nullableNumber(r.input_tokens),
    output_tokens: nullableNumber(r.output_tokens), cost: nullableNumber(r.cost),
  }));
}

/** Stores a describer's result once: only a row still queued is written (a job that ran twice writes nothing more). */
export async function storeComparisonResult(
  trx: Knex.Transaction,
  key: { comparisonId: string; imageId: string; describerKey: string; userId: number },
  result: { status: 'done' | 'failed'; alt_text?: string; description?: string; duration_ms?: number; input_tokens?: number | null; output_tokens?: number | null; cost?: number | null; error?: string },
  now: number,
): Promise<boolean> {
  const values = await sealColumns(trx, key.userId, { ...result, updated_at: now }, COMPARISON_TEXT);
  const n = await trx('comparison_results')
    .where({ comparison_id: key.comparisonId, image_id: key.imageId, describer_key: key.describerKey, user_id: key.userId, status: 'queued' })
    .update(values);
  return n === 1;
}

export async function comparisonDescribers(db: Knex, comparisonId: string): Promise<RunDescriber[]> {
  const row = await db('comparisons').where({ id: comparisonId }).first('describers_json');
  return row ? (JSON.parse(row.describers_json) as RunDescriber[]) : [];
}

/** One vote per reviewer and image: a second vote replaces the first. */
export async function putVote(db: Knex, vote: { comparisonId: string; userId: number; voterId: number; imageId: string; describerKey: string }, now: number): Promise<void> {
  await db('comparison_votes')
    .insert({ comparison_id: vote.comparisonId, user_id: vote.userId, voter_id: vote.voterId, image_id: vote.imageId, describer_key: vote.describerKey, created_at: now })
    .onConflict(['comparison_id', 'image_id', 'voter_id'])
    .merge(['describer_key', 'created_at']);
}

export async function votesOf(db: Knex, userId: number, comparisonId: string): Promise<{ voter_id: number; image_id: string; describer_key: string }[]> {
  const rows = await db('comparison_votes').where({ user_id: userId, comparison_id: comparisonId }).select('voter_id', 'image_id', 'describer_key');
  return rows.map((r) => ({ ...r, voter_id: Number(r.voter_id) }));
}

function toRun(row: Record<string, unknown>): ComparisonRow {
  return {
    id: String(row.id), user_id: Number(row.user_id), created_by: row.created_by == null ? null : Number(row.created_by),
    batch_id: (row.batch_id as string | null) ?? null, describers: JSON.parse(String(row.describers_json)) as RunDescriber[], created_at: Number(row.created_at),
  };
}

function nullableNumber(v: unknown): number | null {
  return v == null ? null : Number(v);
}

/** Average time and cost per image of these describers' finished comparison results, over every run. */
export async function measuredFigures(db: Knex, keys: readonly string[]): Promise<{ measured: number; msPerImage: number; costPerImage: number } | null> {
  if (keys.length === 0) return null;
  const row = await db('comparison_results').where({ status: 'done' }).whereIn('describer_key', keys)
    .first(db.raw('count(*) as n'), db.raw('avg(duration_ms) as ms'), db.raw('avg(coalesce(cost, 0)) as cost'));
  const measured = Number(row?.n ?? 0);
  return measured ? { measured, msPerImage: Number(row.ms), costPerImage: Number(row.cost) } : null;
}
