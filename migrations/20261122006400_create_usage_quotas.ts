import type { Knex } from 'knex';

/**
 * Monthly description quotas. One row with user_id null is the default for everyone;
 * a row per user overrides it. No row at all means no limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('usage_quotas', (t) => {
    t.increments('id');
    t.integer('user_id').nullable().unique().references('users.id').onDelete('CASCADE');
    t.integer('monthly_descriptions').nullable(); // null: unlimited
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.alterTable('usage_events', (t) => {
    t.index(['kind', 'user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('usage_events', (t) => {
    t.dropIndex(['kind', 'user_id', 'created_at']);
  });
  await knex.schema.dropTable('usage_quotas');
}
