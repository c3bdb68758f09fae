import type { Knex } from 'knex';

/**
 * Uploaded files' names sealed under the account's text key on PostgreSQL (server/db/sealed-tables.ts),
 * in the image row and in the deletion receipts that name an image. Names are searched for any piece
 * of them, so images get `name_search`: keyed tokens of the name's pieces (text-codec.ts,
 * nameTokens), GIN-indexed. The name columns become `text`, since ciphertext is longer than the name
 * (ingest still cuts names to 255 characters). Images already sealed (their embedded captions) are
 * marked unsealed, so the boot step (sealExistingText) seals their names and makes their tokens too.
 * SQLite keeps plaintext.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.raw('ALTER TABLE images ALTER COLUMN original_name TYPE text');
  await knex.raw('ALTER TABLE images ADD COLUMN name_search tsvector');
  await knex.raw('CREATE INDEX images_name_search_index ON images USING GIN (name_search)');
  await knex('images').whereNotNull('key_generation').update({ key_generation: null });
  await knex.raw('ALTER TABLE deletion_receipts ALTER COLUMN original_name TYPE text');
  await knex.schema.alterTable('deletion_receipts', (t) => {
    t.integer('key_generation').nullable();
    t.index(['user_id', 'key_generation']);
  });
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('deletion_receipts', (t) => {
    t.dropIndex(['user_id', 'key_generation']);
    t.dropColumn('key_generation');
  });
  await knex.raw('ALTER TABLE deletion_receipts ALTER COLUMN original_name TYPE varchar(255)');
  await knex.raw('DROP INDEX images_name_search_index');
  await knex.raw('ALTER TABLE images DROP COLUMN name_search');
  await knex.raw('ALTER TABLE images ALTER COLUMN original_name TYPE varchar(255)');
}
