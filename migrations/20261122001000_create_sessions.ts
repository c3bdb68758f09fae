import type { Knex } from 'knex';

/**
 * Web sessions. `user_id` is copied out of the session data so every session of one user can be
 * ended at once (password change, disabling); `created_at` enforces the absolute lifetime and
 * `expires_at` the rolling idle timeout.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 64).primary();
    t.integer('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.text('data').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['user_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
