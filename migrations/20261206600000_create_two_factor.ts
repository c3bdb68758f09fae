import type { Knex } from 'knex';

/**
 * Second factors. A TOTP secret is sealed with the instance key (we must compute codes from it, so a
 * hash will not do) and is on once `confirmed_at` is set; `last_used_step` refuses a code's replay.
 * Recovery codes and remembered-browser tokens are stored only as HMACs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('totp_secrets', (t) => {
    t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
    t.text('secret_encrypted').notNullable();
    t.bigInteger('confirmed_at').nullable();
    t.bigInteger('last_used_step').nullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable();
    t.bigInteger('used_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('remembered_browsers', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('remembered_browsers');
  await knex.schema.dropTable('recovery_codes');
  await knex.schema.dropTable('totp_secrets');
}
