import type { Knex } from 'knex';
import type { Description } from '../describers/types';

/** The description of a zero-retention image, its status and usage record, in one transaction. */
export async function storeZeroRetentionResult(db: Knex, image: { id: string; userId: number }, d: Description, now: number): Promise<void> {
  await db.transaction(async (trx) => {
    const p = d.provenance;
    await trx('descriptions').insert({
      image_id: image.id,
      user_id: image.userId,
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
      created_at: now,
      updated_at: now,
    });
    await trx('images').where({ id: image.id }).update({ status: 'done', error: null, processed_at: now, updated_at: now });
    await trx('usage_events').insert({ user_id: image.userId, image_id: image.id, kind: 'description.created', source: 'web', created_at: now });
  });
}

export async function failZeroRetentionImage(db: Knex, imageId: string, reason: string, now: number): Promise<void> {
  await db('images').where({ id: imageId }).update({ status: 'failed', error: reason.slice(0, 500), processed_at: now, updated_at: now });
}

/** Zero-retention images still waiting when the process stopped: their bytes are gone with it. */
export async function failInterruptedZeroRetention(db: Knex, reason: string, now: number): Promise<number> {
  return db('images')
    .whereIn('status', ['queued', 'processing'])
    .whereNull('blob_key')
    .whereIn('batch_id', db('batches').where({ zero_retention: true }).select('id'))
    .update({ status: 'failed', error: reason, processed_at: now, updated_at: now });
}
