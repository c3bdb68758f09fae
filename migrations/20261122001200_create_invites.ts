import type { Knex } from 'knex';

/** Single-use invite links. Only the SHA-256 of the token is stored; the link is shown once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invites', (t) => {
    t.increments('id');
    t.string('token_hash', 64).notNullable().unique();
    t.integer('created_by').nullable().references('users.id').onDelete('SET NULL');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invites');
}
