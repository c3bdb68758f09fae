import type { Knex } from 'knex';

/**
 * Retention choices. Durations are stored as the text the user picked ("0", "30m", "24h", "7d",
 * "forever"); null on a user means "the instance default" (IMAGE_RETENTION), null on a batch means
 * "the account's setting". Text retention is in days, null meaning until the user deletes it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('image_retention', 10).nullable();
    t.integer('text_retention_days').nullable();
  });
  await knex.schema.alterTable('batches', (t) => {
    t.string('image_retention', 10).nullable();
    t.boolean('zero_retention').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.dropColumn('zero_retention');
    t.dropColumn('image_retention');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('text_retention_days');
    t.dropColumn('image_retention');
  });
}
