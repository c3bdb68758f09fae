import type { Knex } from 'knex';

/**
 * Everything an account owns, for its export. Each query is scoped by user_id; nothing joins across
 * owners. Image bytes are never selected (nor the blurhash, a tiny picture of the image).
 */
export async function exportAccountRow(db: Knex, userId: number): Promise<Record<string, unknown> | undefined> {
  return db('users')
    .where({ id: userId })
    .first('id', 'email', 'name', 'role', 'status', 'created_at', 'updated_at', 'deletion_requested_at', 'deletion_due_at');
}

export async function exportSettingsRow(db: Knex, userId: number): Promise<Record<string, unknown> | undefined> {
  return db('users')
    .where({ id: userId })
    .first('image_retention', 'text_retention_days', 'describer_consent_destination', 'describer_consent_at');
}

export async function exportBatches(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('batches')
    .where({ user_id: userId })
    .orderBy('created_at')
    .select('id', 'name', 'status', 'options_json', 'image_retention', 'zero_retention', 'created_at', 'updated_at');
}

/** One row per image with its generated text (when there is any). */
export async function exportResults(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('images')
    .leftJoin('descriptions', function joinOwnDescription() {
      this.on('descriptions.image_id', '=', 'images.id').andOn('descriptions.user_id', '=', 'images.user_id');
    })
    .where('images.user_id', userId)
    .orderBy('images.created_at')
    .select(
      'images.id as image_id',
      'images.batch_id',
      'images.original_name',
      'images.status',
      'images.error',
      'images.source_type',
      'images.byte_size',
      'images.width',
      'images.height',
      'images.sha256',
      'images.created_at',
      'images.processed_at',
      'images.expires_at',
      'images.reviewed_at',
      'descriptions.alt_text',
      'descriptions.caption',
      'descriptions.title',
      'descriptions.description',
      'descriptions.tags_json',
      'descriptions.filename',
      'descriptions.text',
      'descriptions.decorative',
      'descriptions.describer',
      'descriptions.model',
      'descriptions.prompt_version',
      'descriptions.edited_at',
    );
}

/** Every version of every result: generated, edited and restored text, with who or what wrote it. */
export async function exportResultVersions(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('description_versions')
    .where({ user_id: userId })
    .orderBy([{ column: 'image_id' }, { column: 'number' }])
    .select(
      'image_id', 'number', 'state', 'origin', 'restored_from', 'edited_by', 'human_fields_json', 'options_json',
      'alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text', 'decorative', 'manifest_json',
      'describer', 'model', 'prompt_version', 'created_at',
    );
}

export async function exportAuditLog(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('audit_events').where({ user_id: userId }).orderBy('id').select('event', 'ip', 'user_agent', 'detail', 'created_at');
}

/** Connected WordPress sites: where and as whom, never the Application Password. */
export async function exportWordPressSites(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('wordpress_sites').where({ user_id: userId }).orderBy('created_at')
    .select('id', 'site_url', 'site_name', 'user_login', 'language', 'daily', 'daily_run_at', 'created_at', 'updated_at');
}

/** What scans read from those sites: each image's address, its text there, and how it was judged. */
export async function exportWordPressMedia(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('wordpress_media').where({ user_id: userId }).orderBy(['site_id', 'media_id'])
    .select('site_id', 'media_id', 'source_url', 'alt_text', 'caption', 'title', 'modified_gmt', 'quality', 'findings', 'image_id', 'updated_at');
}

/** Every write to those sites: the value before, the value written, who approved it, when. */
export async function exportWordPressWrites(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('wordpress_writes').where({ user_id: userId }).orderBy('id')
    .select('site_id', 'run_id', 'media_id', 'field', 'old_value', 'new_value', 'current_value', 'status', 'error', 'approved_by', 'created_at', 'undone_at');
}

export async function exportTranslations(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('translations').where({ user_id: userId }).orderBy(['image_id', 'language'])
    .select('image_id', 'language', 'alt_text', 'caption', 'title', 'description', 'created_at');
}

export async function exportApprovals(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('approval_events').where({ user_id: userId }).orderBy('id')
    .select('image_id', 'actor_id', 'action', 'comment', 'created_at');
}

/** What each describer wrote for the workspace's images in comparison runs, with its time, tokens and cost. */
export async function exportComparisonResults(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('comparison_results').where({ user_id: userId }).orderBy(['comparison_id', 'position', 'id'])
    .select('comparison_id', 'image_id', 'describer_key', 'status', 'alt_text', 'description', 'duration_ms', 'input_tokens', 'output_tokens', 'cost', 'error', 'created_at', 'updated_at');
}

/** Reviewers' blind votes in those runs: which describer's text each reviewer preferred per image. */
export async function exportComparisonVotes(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  return db('comparison_votes').where({ user_id: userId }).orderBy('id')
    .select('comparison_id', 'image_id', 'voter_id', 'describer_key', 'created_at');
}
