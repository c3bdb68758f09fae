import type { Knex } from 'knex';

/**
 * Full-text search over generated (and edited) text.
 *
 * SQLite: an FTS5 table kept in step with `descriptions` by triggers, so every writer (the queue,
 * edits, retention purges) keeps it right without knowing it exists. Rows are keyed by image_id
 * rather than rowid: implicit rowids of a table without an INTEGER PRIMARY KEY may change on VACUUM.
 * `secure-delete` makes FTS5 overwrite removed tokens too, matching the database-wide secure_delete
 * pragma.
 *
 * PostgreSQL: a generated tsvector column with a GIN index, which the database keeps in step itself.
 * The `simple` configuration neither stems nor drops stop words, like FTS5's unicode61 tokenizer;
 * unlike it, it keeps diacritics (the unaccent dictionary is an extension an install may lack).
 */
const COLUMNS = ['alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text'];

function values(prefix: 'new' | 'd'): string {
  return [`${prefix}.image_id`, `${prefix}.user_id`, ...COLUMNS.map((c) => `${prefix}.${c}`)].join(', ');
}

const isPostgres = (knex: Knex) => knex.client.config.client === 'pg';

/** Every column's words in one document; the columns are NOT NULL, and `||` keeps the expression immutable. */
const DOCUMENT = COLUMNS.map((c) => `coalesce(${c}, '')`).join(` || ' ' || `);

export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.raw(`ALTER TABLE descriptions ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', ${DOCUMENT})) STORED`);
    await knex.raw('CREATE INDEX descriptions_search_index ON descriptions USING GIN (search)');
    return;
  }
  await knex.raw(
    `CREATE VIRTUAL TABLE descriptions_fts USING fts5(image_id UNINDEXED, user_id UNINDEXED, ${COLUMNS.join(', ')}, tokenize = 'unicode61 remove_diacritics 2')`,
  );
  await knex.raw(`INSERT INTO descriptions_fts(descriptions_fts, rank) VALUES('secure-delete', 1)`);
  const list = `image_id, user_id, ${COLUMNS.join(', ')}`;
  await knex.raw(`INSERT INTO descriptions_fts(${list}) SELECT ${values('d')} FROM descriptions d`);
  await knex.raw(`CREATE TRIGGER descriptions_fts_insert AFTER INSERT ON descriptions BEGIN
    INSERT INTO descriptions_fts(${list}) VALUES (${values('new')});
  END`);
  await knex.raw(`CREATE TRIGGER descriptions_fts_update AFTER UPDATE ON descriptions BEGIN
    DELETE FROM descriptions_fts WHERE image_id = old.image_id;
    INSERT INTO descriptions_fts(${list}) VALUES (${values('new')});
  END`);
  await knex.raw(`CREATE TRIGGER descriptions_fts_delete AFTER DELETE ON descriptions BEGIN
    DELETE FROM descriptions_fts WHERE image_id = old.image_id;
  END`);
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.raw('DROP INDEX IF EXISTS descriptions_search_index');
    await knex.raw('ALTER TABLE descriptions DROP COLUMN IF EXISTS search');
    return;
  }
  await knex.raw('DROP TRIGGER IF EXISTS descriptions_fts_delete');
  await knex.raw('DROP TRIGGER IF EXISTS descriptions_fts_update');
  await knex.raw('DROP TRIGGER IF EXISTS descriptions_fts_insert');
  await knex.raw('DROP TABLE IF EXISTS descriptions_fts');
}
