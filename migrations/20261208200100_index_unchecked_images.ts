import type { Knex } from 'knex';

/**
 * The `fill-image-flags` job asks every minute for described images not checked yet. Once the
 * older images are checked there are none, and a partial index answers that at once instead of
 * reading every image (SQLite and PostgreSQL both take partial indexes).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE INDEX images_unchecked_index ON images (id) WHERE flags IS NULL AND status = 'done'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX images_unchecked_index');
}
