import type { Knex } from 'knex';

/**
 * Login, sign-up and API rate limits, shared by every process on PostgreSQL. The columns and their
 * order are the ones rate-limiter-flexible's PostgreSQL store reads and writes (it inserts by
 * position); its keys are hashes, so no email or address is stored. On SQLite the limits live in a
 * file of their own (server/rate-limits/store.ts), so their writes never contend with the database's.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire').nullable();
    t.index(['expire']);
  });
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.dropTable('rate_limits');
}
