import type { Knex } from 'knex';
import { isPostgres } from './knex';

/**
 * Limits `query` (over `images`) to images whose generated or edited text holds every word, each
 * as a prefix: FTS5 on SQLite, the generated tsvector column on PostgreSQL (see the
 * create_descriptions_fts migration). The owner is repeated inside, so a match never crosses owners.
 * Words hold only letters, digits and underscores (services/results/search.ts), so quoting each
 * one keeps FTS syntax typed by a user from reaching either engine.
 */
export function whereTextMatches(db: Knex, query: Knex.QueryBuilder, userId: number, words: readonly string[]): void {
  if (isPostgres(db)) {
    const tsquery = words.map((word) => `'${word}':*`).join(' & ');
    query.whereIn('images.id', db('descriptions').select('image_id').where('user_id', userId).whereRaw(`search @@ to_tsquery('simple', ?)`, [tsquery]));
  } else {
    const match = words.map((word) => `"${word}"*`).join(' ');
    query.whereRaw('images.id IN (SELECT image_id FROM descriptions_fts WHERE descriptions_fts MATCH ? AND user_id = ?)', [match, userId]);
  }
}

/**
 * Limits `query` to rows whose `column` contains `text`, ignoring case: SQLite's LIKE already does
 * (for ASCII letters), PostgreSQL's is case-sensitive, so there it is ILIKE. `%` and `_` typed by a
 * user match themselves.
 */
export function whereContains(db: Knex, query: Knex.QueryBuilder, column: string, text: string): void {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  query.whereRaw(`?? ${isPostgres(db) ? 'ilike' : 'like'} ? escape '\\'`, [column, pattern]);
}
