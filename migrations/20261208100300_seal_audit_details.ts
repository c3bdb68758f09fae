import type { Knex } from 'knex';

/**
 * Audit events' details, addresses and browsers sealed under the text key of the account they concern
 * on PostgreSQL (server/db/sealed-tables.ts): account deletion strips them, and PostgreSQL's old row
 * versions would keep them. The columns become `text`, since ciphertext is longer than what it hides
 * (the app still cuts them to 64 and 255 characters). Events written before are sealed at boot
 * (sealExistingText). SQLite keeps plaintext.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';
const WIDENED: [string, number][] = [['ip', 64], ['user_agent', 255], ['detail', 255]];

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  for (const [column] of WIDENED) await knex.raw('ALTER TABLE audit_events ALTER COLUMN ?? TYPE text', [column]);
  await knex.schema.alterTable('audit_events', (t) => {
    t.integer('key_generation').nullable();
    t.index(['user_id', 'key_generation']);
  });
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('audit_events', (t) => {
    t.dropIndex(['user_id', 'key_generation']);
    t.dropColumn('key_generation');
  });
  for (const [column, length] of WIDENED) await knex.raw(`ALTER TABLE audit_events ALTER COLUMN ?? TYPE varchar(${length})`, [column]);
}
