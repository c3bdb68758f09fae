import type { Knex } from 'knex';

/** Stored first answers to API writes carrying an Idempotency-Key, kept for 24 hours. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('key', 255).notNullable();
    t.string('request_hash', 64).notNullable(); // method, path and body: a different body is a client bug
    t.string('state', 12).notNullable(); // running | done
    t.integer('status_code').nullable();
    t.text('response_json').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.unique(['user_id', 'key']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
}
