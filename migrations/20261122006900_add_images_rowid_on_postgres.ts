import type { Knex } from 'knex';

/**
 * Upload order. SQLite numbers every row (`rowid`), and the lists order a batch's images, which share
 * one created_at, by it; the API's cursor carries it. PostgreSQL has no such number, so there the
 * column is made, under the same name, and the queries stay the same on both databases.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('images', (t) => {
    t.bigIncrements('rowid', { primaryKey: false });
  });
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('images', (t) => {
    t.dropColumn('rowid');
  });
}
