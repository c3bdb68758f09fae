import type { Knex } from 'knex';
import type { Database } from 'sqlite3';
import { preparedAll, SqliteClient } from './sqlite-client';

/**
 * A read that every signed-in page view runs (the session, the dashboard). On SQLite it runs as a
 * statement prepared once per connection: compiling the SQL and knex's query path each cost more
 * CPU than SQLite takes to answer. It runs on a connection of its own, so it reads the last committed
 * state without waiting for a write transaction to finish. Other databases take the same SQL through knex.raw, so the SQL
 * must stay dialect-neutral (`?` bindings).
 */
export async function hotRead<T>(db: Knex, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const client: unknown = db.client;
  if (!(client instanceof SqliteClient)) {
    const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as T[] | { rows: T[] };
    return Array.isArray(result) ? result : result.rows;
  }
  const reader = client.readConnection();
  if (reader) return preparedAll<T>(await reader, sql, bindings);
  const connection = (await client.acquireConnection()) as Database;
  try {
    return await preparedAll<T>(connection, sql, bindings);
  } finally {
    await client.releaseConnection(connection);
  }
}
