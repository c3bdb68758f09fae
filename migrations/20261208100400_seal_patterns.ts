import type { Knex } from 'knex';

/**
 * Patterns' names, instructions and JSON Schemas sealed under the account's text key on PostgreSQL
 * (server/db/sealed-tables.ts). Sealing and re-sealing find rows by owner, so a version repeats its
 * pattern's `user_id` (both databases: one schema for the app to write); it is found by its
 * composite key (pattern_id, version), which the re-sealing accepts. On PostgreSQL the names become
 * `text` (the app still caps them at 100 characters) and rows written before are sealed at boot
 * (sealExistingText). SQLite keeps plaintext.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';
const TABLES = ['patterns', 'pattern_versions'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pattern_versions', (t) => {
    t.integer('user_id').nullable();
  });
  await knex('pattern_versions').update({ user_id: knex('patterns').select('user_id').where('patterns.id', knex.ref('pattern_versions.pattern_id')) });
  if (!isPostgres(knex)) return;
  for (const table of TABLES) {
    await knex.raw('ALTER TABLE ?? ALTER COLUMN name TYPE text', [table]);
    await knex.schema.alterTable(table, (t) => {
      t.integer('key_generation').nullable();
      t.index(['user_id', 'key_generation']);
    });
  }
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    for (const table of TABLES) {
      await knex.schema.alterTable(table, (t) => {
        t.dropIndex(['user_id', 'key_generation']);
        t.dropColumn('key_generation');
      });
      await knex.raw('ALTER TABLE ?? ALTER COLUMN name TYPE varchar(100)', [table]);
    }
  }
  await knex.schema.alterTable('pattern_versions', (t) => {
    t.dropColumn('user_id');
  });
}
