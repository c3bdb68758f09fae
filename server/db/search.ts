import type { Knex } from 'knex';
import { isPostgres } from './knex';
import { nameQueries, sealsText, tokenQueries } from './text-codec';

/**
 * A condition limiting a query (over `images`) to images whose generated or edited text holds every
 * word, each as a prefix: FTS5 on SQLite (see the create_descriptions_fts migration); on PostgreSQL,
 * where the text is sealed, a tsvector of keyed tokens of every word's prefixes (text-codec.ts, the
 * add_text_keys migration). The owner is repeated inside, so a match never crosses owners. Words
 * hold only letters, digits and underscores (services/results/search.ts), so quoting each one keeps
 * FTS syntax typed by a user from reaching SQLite; on PostgreSQL only hex tokens reach the query.
 * Made before the query is built, because finding the account's keys is asynchronous.
 */
export async function textMatcher(db: Knex, userId: number, words: readonly string[]): Promise<(query: Knex.QueryBuilder) => void> {
  if (sealsText(db)) {
    const tsqueries = await tokenQueries(db, userId, words);
    return (query) => {
      const matching = db('descriptions').select('image_id').where('user_id', userId);
      if (tsqueries.length === 0) matching.whereRaw('false');
      else matching.where((any) => tsqueries.forEach((q) => any.orWhereRaw('search @@ ?::tsquery', [q])));
      query.whereIn('images.id', matching);
    };
  }
  const match = words.map((word) => `"${word}"*`).join(' ');
  return (query) => {
    query.whereRaw('images.id IN (SELECT image_id FROM descriptions_fts WHERE descriptions_fts MATCH ? AND user_id = ?)', [match, userId]);
  };
}

/**
 * A condition limiting a query (over `images`) to images whose uploaded file's name contains `text`,
 * ignoring case (whereContains). On PostgreSQL the name is sealed: there the keyed tokens of its
 * pieces in `images.name_search` must hold the text's pieces in a row (text-codec.ts, nameTokens).
 */
export async function nameMatcher(db: Knex, userId: number, text: string): Promise<(query: Knex.QueryBuilder) => void> {
  if (!sealsText(db)) return (query) => whereContains(db, query, 'images.original_name', text);
  const tsqueries = await nameQueries(db, userId, text);
  return (query) => {
    if (tsqueries.length === 0) query.whereRaw('false');
    else query.where((any) => tsqueries.forEach((q) => any.orWhereRaw('images.name_search @@ ?::tsquery', [q])));
  };
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
