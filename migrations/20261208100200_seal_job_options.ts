import type { Knex } from 'knex';

/**
 * Describe jobs' options (what a "describe again" asks for: instructions, context, keywords, a
 * pattern) sealed under the account's text key on PostgreSQL (server/db/sealed-tables.ts). Jobs
 * written before are sealed at boot (sealExistingText). SQLite keeps plaintext.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('jobs', (t) => {
    t.integer('key_generation').nullable();
    t.index(['user_id', 'key_generation']);
  });
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('jobs', (t) => {
    t.dropIndex(['user_id', 'key_generation']);
    t.dropColumn('key_generation');
  });
}
