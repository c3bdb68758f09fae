import { DESCRIPTION_TEXT, sealColumns } from '../../server/db/text-codec';
import type { Knex } from 'knex';

/** A stored result, written directly, for tests of the results side that do not run the queue. */
export async function insertDescription(db: Knex, imageId: string, userId: number, fields: Record<string, unknown> = {}): Promise<void> {
  const now = Date.now();
  const row: Record<string, unknown> = {
    image_id: imageId,
    user_id: userId,
    alt_text: 'A bald eagle on a lake shore',
    caption: 'Young eagle',
    title: 'Eagle',
    description: 'A young bald eagle stands on pebbles at the edge of a lake.',
    tags_json: JSON.stringify(['eagle', 'bird']),
    filename: 'young-bald-eagle.jpg',
    text: '',
    decorative: false,
    describer: 'openai',
    model: 'test-model',
    prompt_version: 'p1',
    input_tokens: 100,
    output_tokens: 40,
    duration_ms: 1234,
    draft: false,
    notes_json: '[]',
    created_at: now,
    updated_at: now,
    ...fields,
  };
  // Through the text codec, as the repositories write it: sealed with search tokens on PostgreSQL.
  await db('descriptions').insert(await sealColumns(db, userId, row, DESCRIPTION_TEXT, row));
  await db('images').where({ id: imageId }).update({ status: 'done', processed_at: now });
}
