import type { Knex } from 'knex';

/** Accounts. Timestamps everywhere are epoch milliseconds from the app's clock. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable().unique();
    t.string('name', 100).notNullable().defaultTo('');
    t.string('password_hash', 100).notNullable();
    t.string('role', 10).notNullable().defaultTo('user');
    t.string('status', 10).notNullable().defaultTo('active');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
