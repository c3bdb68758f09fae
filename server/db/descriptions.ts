import type { Knex } from 'knex';
import type { Description } from '../describers/types';

export interface DescriptionRow {
  image_id: string;
  user_id: number;
  alt_text: string;
  caption: string;
  title: string;
  description: string;
  tags_json: string;
  filename: string;
  text: string;
  decorative: number | boolean;
  manifest_json: string | null;
  describer: string;
  model: string;
  prompt_version: string;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_ms: number;
  draft: number | boolean;
  notes_json: string;
  edited_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The stored columns of a describer's answer (a fresh result: not edited). */
export function descriptionColumns(d: Description, userId: number, now: number): Omit<DescriptionRow, 'image_id' | 'created_at'> {
  const p = d.provenance;
  return {
    user_id: userId,
    alt_text: d.alt_text,
    caption: d.caption,
    title: d.title,
    description: d.description,
    tags_json: JSON.stringify(d.tags),
    filename: d.filename,
    text: d.text,
    decorative: d.decorative,
    manifest_json: d.manifest ? JSON.stringify(d.manifest) : null,
    describer: p.describer,
    model: p.model.slice(0, 200),
    prompt_version: p.promptVersion,
    input_tokens: p.inputTokens,
    output_tokens: p.outputTokens,
    duration_ms: p.durationMs,
    draft: p.draft,
    notes_json: JSON.stringify(p.notes),
    edited_at: null,
    updated_at: now,
  };
}

/** Descriptions of the given images, owner-scoped, keyed by image id. */
export async function descriptionsFor(db: Knex, userId: number, imageIds: string[]): Promise<Map<string, DescriptionRow>> {
  const found = new Map<string, DescriptionRow>();
  // SQLite caps bound variables per statement; 500 ids at a time stays far below it.
  for (let i = 0; i < imageIds.length; i += 500) {
    // By primary key alone: with `user_id` in the WHERE clause SQLite (without statistics) walks the
    // user_id index over every result of the account, 26 ms at 100,000 images instead of 0.3 ms.
    // The owner is checked on each row instead, so another account's rows are still never answered.
    const rows: DescriptionRow[] = await db('descriptions').whereIn('image_id', imageIds.slice(i, i + 500));
    for (const row of rows) if (Number(row.user_id) === userId) found.set(row.image_id, row);
  }
  return found;
}

/**
 * The alt text of the batch's described images other than `except` (decorative ones left out): what
 * the "same alt text as another image" check compares a page of the batch against.
 */
export async function otherAltTextsOfBatch(db: Knex, userId: number, batchId: string, except: readonly string[]): Promise<string[]> {
  const rows: { alt_text: string }[] = await db('descriptions as d')
    .join('images as i', 'i.id', 'd.image_id')
    .where({ 'i.batch_id': batchId, 'i.user_id': userId, 'd.user_id': userId })
    .whereNot('d.decorative', true)
    .modify((q) => { if (except.length) q.whereNotIn('d.image_id', [...except]); })
    .select('d.alt_text', 'd.user_id');
  return rows.map((r) => r.alt_text);
}

export type EditableFields = Pick<DescriptionRow, 'alt_text' | 'caption' | 'title' | 'description' | 'tags_json' | 'filename' | 'text'> & {
  decorative: boolean;
};
