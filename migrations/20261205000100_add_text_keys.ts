import type { Knex } from 'knex';

/**
 * Per-account text keys (see server/db/text-codec.ts). The key itself lives in the blob store, never
 * in the database: a key row would linger in PostgreSQL's old row versions and WAL, which is the very
 * thing the key exists to defeat. `text_key_name` names the current key's blob and
 * `text_key_generation` counts keys; `text_key_retired_*` is the previous key while rows are being
 * re-encrypted after the account deleted text. Rows record the generation that sealed them
 * (`key_generation`; null: not sealed yet).
 *
 * PostgreSQL only: SQLite keeps plaintext, which secure_delete and the WAL checkpoint erase. There the
 * generated tsvector over plaintext becomes a column the app writes with keyed
 * tokens, and the few length-capped text columns become `text`, since ciphertext is longer than the
 * text it hides (the caps stay enforced by the app's validation). Existing rows are sealed at boot
 * (sealExistingText), because a migration cannot reach the blob store.
 */
const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';
const SEALED_TABLES = ['descriptions', 'description_versions'] as const;
const WIDENED: [string, number][] = [['alt_text', 2000], ['title', 500], ['filename', 200]];

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.schema.alterTable('users', (t) => {
    t.string('text_key_name', 80).nullable();
    t.integer('text_key_generation').notNullable().defaultTo(0);
    t.string('text_key_retired_name', 80).nullable();
    t.integer('text_key_retired_generation').nullable();
    t.bigInteger('text_key_rotate_after').nullable(); // set when the account deleted text
  });
  for (const table of SEALED_TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.integer('key_generation').nullable();
      t.index(['user_id', 'key_generation']);
    });
  }
  await knex.raw('DROP INDEX IF EXISTS descriptions_search_index');
  await knex.raw('ALTER TABLE descriptions DROP COLUMN search');
  for (const table of SEALED_TABLES) {
    for (const [column] of WIDENED) await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? TYPE text`, [table, column]);
  }
  await knex.raw('ALTER TABLE descriptions ADD COLUMN search tsvector');
  await knex.raw('CREATE INDEX descriptions_search_index ON descriptions USING GIN (search)');
}

/** Down only makes sense on plaintext rows: sealed text cannot be unsealed without the blob store. */
export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.raw('DROP INDEX IF EXISTS descriptions_search_index');
  await knex.raw('ALTER TABLE descriptions DROP COLUMN search');
  for (const table of SEALED_TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.dropIndex(['user_id', 'key_generation']);
      t.dropColumn('key_generation');
    });
    for (const [column, length] of WIDENED) await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? TYPE varchar(${length})`, [table, column]);
  }
  const document = ['alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text'].map((c) => `coalesce(${c}, '')`).join(` || ' ' || `);
  await knex.raw(`ALTER TABLE descriptions ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', ${document})) STORED`);
  await knex.raw('CREATE INDEX descriptions_search_index ON descriptions USING GIN (search)');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('text_key_rotate_after');
    t.dropColumn('text_key_retired_generation');
    t.dropColumn('text_key_retired_name');
    t.dropColumn('text_key_generation');
    t.dropColumn('text_key_name');
  });
}
