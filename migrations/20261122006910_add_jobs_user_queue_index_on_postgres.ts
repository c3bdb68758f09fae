import type { Knex } from 'knex';

/**
 * A PostgreSQL claim looks up each waiting user's oldest due job (server/queue/fair-pick.ts): with
 * (user_id, status, id) that is the first matching entry of the index rather than a walk through
 * every job. SQLite needs nothing new: its (user_id, status) index already ends in the rowid, which
 * is the job id there.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('jobs', (t) => {
    t.index(['user_id', 'status', 'id'], 'jobs_user_status_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('jobs', (t) => {
    t.dropIndex(['user_id', 'status', 'id'], 'jobs_user_status_id_index');
  });
}
