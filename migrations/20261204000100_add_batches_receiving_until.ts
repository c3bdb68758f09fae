import type { Knex } from 'knex';

/**
 * A batch whose upload is still arriving: its first images are described while the rest are received,
 * so "no image left unfinished" must not read as "batch finished" until the upload has ended. A
 * deadline rather than a flag, so a batch whose web process died mid-upload is closed by a sweep.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.bigInteger('receiving_until').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.dropColumn('receiving_until');
  });
}
