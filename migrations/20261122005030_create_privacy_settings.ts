import type { Knex } from 'knex';

/** Instance-wide privacy switches an admin can set from the web (env variables still win). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('privacy_settings', (t) => {
    t.string('key', 60).primary();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('privacy_settings');
}
