import type { Knex } from 'knex';

/**
 * Fair claiming picks the user with the fewest running jobs, then the one served least recently:
 * `started_at` records when a job was last claimed, and the indexes keep both lookups cheap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.bigInteger('started_at').nullable();
    t.index(['user_id', 'status'], 'jobs_user_status_index');
    t.index(['user_id', 'started_at'], 'jobs_user_started_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.dropIndex(['user_id', 'started_at'], 'jobs_user_started_index');
    t.dropIndex(['user_id', 'status'], 'jobs_user_status_index');
    t.dropColumn('started_at');
  });
}
