import type { Knex } from 'knex';

/**
 * Webhook endpoints and their deliveries. A delivery row is durable: the worker sends what is due
 * by `next_attempt_at`, so retries survive a restart. Its id is the `webhook-id` every retry repeats.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.string('id', 32).primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('url', 2000).notNullable();
    t.string('description', 200).notNullable().defaultTo('');
    t.text('events_json').notNullable();
    t.text('secret_encrypted').notNullable(); // AES-256-GCM with the instance key; we must sign with it
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.string('id', 40).primary();
    t.string('endpoint_id', 32).notNullable().references('webhook_endpoints.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('event_type', 40).notNullable();
    t.text('payload_json').notNullable();
    t.string('status', 12).notNullable(); // pending | delivered | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').nullable();
    t.integer('last_status_code').nullable();
    t.string('last_error', 300).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['endpoint_id', 'created_at']);
  });
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.increments('id');
    t.string('delivery_id', 40).notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.integer('status_code').nullable();
    t.string('error', 300).nullable();
    t.integer('duration_ms').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['delivery_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_endpoints');
}
