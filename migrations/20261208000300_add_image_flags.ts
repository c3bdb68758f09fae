import type { Knex } from 'knex';

/**
 * What the alt text checks found on an image's current text, as rule ids ("file_name,too_long"; ""
 * for nothing found; null until checked), so the library and batch pages can filter by it. Rule ids
 * carry no text of the image. Filled for existing images by the `fill-image-flags` job.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('images', (t) => {
    t.string('flags', 300).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('images', (t) => {
    t.dropColumn('flags');
  });
}
