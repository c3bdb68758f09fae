import type { Knex } from 'knex';

/**
 * The dashboard and batch pages count a batch's images by status. With (batch_id, status) both
 * counts are answered from the index alone, without reading image rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('images', (t) => {
    t.index(['batch_id', 'status'], 'images_batch_status_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('images', (t) => {
    t.dropIndex(['batch_id', 'status'], 'images_batch_status_index');
  });
}
