import type { Knex } from 'knex';
import type { Database } from 'sqlite3';
import { preparedAll, SqliteClient } from './sqlite-client';
import { writesSoFar } from './write-count';

/**
 * A read that every signed-in page view runs (the session, the dashboard). On SQLite it runs as a
 * statement prepared once per connection: compiling the SQL and knex's query path each cost more
 * CPU than SQLite takes to answer. It takes knex's connection in turn, so it sees every write issued
 * before it. Other databases take the same SQL through knex.raw, so the SQL must stay
 * dialect-neutral (`?` bindings).
 */
export async function hotRead<T>(db: Knex, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const client: unknown = db.client;
  if (!(client instanceof SqliteClient)) {
    const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as T[] | { rows: T[] };
    return Array.isArray(result) ? result : result.rows;
  }
  // Counted before the pool sees the acquire and until just before the release, so that
  // `writerBusy` may overcount a hot read as a write but never the other way round.
  client.hotReadsUnderWay += 1;
  let connection: Database | undefined;
  try {
    connection = (await client.acquireConnection()) as Database;
    return await preparedAll<T>(connection, sql, bindings);
  } finally {
    client.hotReadsUnderWay -= 1;
    if (connection) await client.releaseConnection(connection);
  }
}

interface Remembered {
  writes: number;
  readAt: number;
  rows: Promise<readonly unknown[]>;
}

/**
 * Another process writing the same file does not move this process's write count, so an answer is
 * also re-read after this long.
 */
export const REMEMBER_AT_MOST_MS = 1000;
const MAX_REMEMBERED = 5000;
const remembered = new WeakMap<SqliteClient, Map<string, Remembered>>();

function remember(store: Map<string, Remembered>, key: string, entry: Remembered): void {
  store.delete(key);
  store.set(key, entry);
  // Oldest first in a Map: drop a tenth of them when full.
  if (store.size > MAX_REMEMBERED) for (const old of [...store.keys()].slice(0, MAX_REMEMBERED / 10)) store.delete(old);
}

async function frozenRows<T>(db: Knex, sql: string, bindings: readonly unknown[]): Promise<readonly T[]> {
  return (await hotRead<T>(db, sql, bindings)).map((row) => Object.freeze(row));
}

/**
 * A hot read answered from memory when nothing has been written to the database since the same read
 * (same SQL, same bindings) was last made, and that was under a second ago, and no write is under way.
 * On a busy server most
 * page views then cost SQLite nothing; any insert, update, delete or commit through knex makes the
 * next read go to the database. Requests that need the same read while it runs wait for that one
 * read: queued behind each other, each would cost a turn of a busy event loop. The rows are frozen:
 * callers copy what they change.
 */
export function hotReadUnlessWritten<T>(db: Knex, sql: string, bindings: readonly unknown[]): Promise<readonly T[]> {
  const client: unknown = db.client;
  // While a write is under way, its effect must be seen: no remembered answer, no shared read.
  if (!(client instanceof SqliteClient) || client.writerBusy()) return hotRead<T>(db, sql, bindings);
  let store = remembered.get(client);
  if (!store) {
    store = new Map();
    remembered.set(client, store);
  }
  const key = `${sql}\u0000${JSON.stringify(bindings)}`;
  const writes = writesSoFar(client.databaseFile());
  const now = performance.now();
  const known = store.get(key);
  if (known && known.writes === writes && now - known.readAt < REMEMBER_AT_MOST_MS) return known.rows as Promise<readonly T[]>;
  const rows = frozenRows<T>(db, sql, bindings);
  // Kept under the count seen before the read began: a write that ends during the read makes it stale.
  const entry = { writes, readAt: now, rows };
  remember(store, key, entry);
  // A failed read is not kept.
  const kept = store;
  rows.catch(() => kept.get(key) === entry && kept.delete(key));
  return rows;
}
