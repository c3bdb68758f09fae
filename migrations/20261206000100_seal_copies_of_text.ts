import type { Knex } from 'knex';

/**
 * More columns sealed under the account's text key on PostgreSQL (see server/db/sealed-tables.ts):
 * the copies of result text in webhook payloads and stored API answers, and what a person wrote or
 * their files carried (batch options with context and instructions, a file's embedded caption and
 * keywords). Each table records the key generation that sealed its row. SQLite keeps plaintext.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';
const TABLES = ['batches', 'images', 'webhook_deliveries', 'idempotency_keys'] as const;

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.integer('key_generation').nullable();
      t.index(['user_id', 'key_generation']);
    });
  }
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.dropIndex(['user_id', 'key_generation']);
      t.dropColumn('key_generation');
    });
  }
}
