import type { Knex } from 'knex';

/**
 * WordPress sites an account connected. The Application Password is sealed with the instance key:
 * it is sent back to the site on every call, so a hash will not do.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wordpress_sites', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('site_url', 2000).notNullable();
    t.string('site_name', 300).notNullable().defaultTo('');
    t.string('user_login', 200).notNullable();
    t.text('password_encrypted').notNullable();
    t.string('language', 20).notNullable().defaultTo('en');
    t.boolean('daily').notNullable().defaultTo(false); // scan every day and describe what is new
    t.bigInteger('daily_run_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('wordpress_sites');
}
