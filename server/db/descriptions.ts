import type { Knex } from 'knex';

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

/** Descriptions of the given images, owner-scoped, keyed by image id. */
export async function descriptionsFor(db: Knex, userId: number, imageIds: string[]): Promise<Map<string, DescriptionRow>> {
  const found = new Map<string, DescriptionRow>();
  // SQLite caps bound variables per statement; 500 ids at a time stays far below it.
  for (let i = 0; i < imageIds.length; i += 500) {
    const rows: DescriptionRow[] = await db('descriptions').where({ user_id: userId }).whereIn('image_id', imageIds.slice(i, i + 500));
    for (const row of rows) found.set(row.image_id, row);
  }
  return found;
}

export type EditableFields = Pick<DescriptionRow, 'alt_text' | 'caption' | 'title' | 'description' | 'tags_json' | 'filename' | 'text'> & {
  decorative: boolean;
};

/** The user's own edit; the FTS triggers re-index it. Answers false when there is no description yet. */
export async function updateDescription(db: Knex, userId: number, imageId: string, fields: EditableFields, now: number): Promise<boolean> {
  const changed = await db('descriptions')
    .where({ image_id: imageId, user_id: userId })
    .update({ ...fields, edited_at: now, updated_at: now });
  return changed > 0;
}
