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
  const connection = (await client.acquireForRead()) as Database;
  try {
    return await preparedAll<T>(connection, sql, bindings);
  } finally {
    await client.releaseConnection(connection);
  }
}

interface Remembered {
  writes: number;
  requests: number;
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

/**
 * A short number for each hot read's SQL, to key remembered answers by: the SQL is a constant whose
 * lookup is cheap, while a key holding the whole text would be built and hashed on every request.
 */
const sqlNumbers = new Map<string, number>();
function sqlNumber(sql: string): number {
  let number = sqlNumbers.get(sql);
  if (number === undefined) {
    number = sqlNumbers.size;
    sqlNumbers.set(sql, number);
  }
  return number;
}

function storeFor(client: SqliteClient): Map<string, Remembered> {
  let store = remembered.get(client);
  if (!store) {
    store = new Map();
    remembered.set(client, store);
  }
  return store;
}

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
 * A hot read answered from memory while it is known to be what SQLite would answer: the same read
 * (same SQL, same bindings) was issued under a second ago, no write has finished since, and nothing
 * else has asked for the connection since (a write issued before this read must be seen, and the
 * remembered read was not queued behind it). On a busy server most page views then cost SQLite
 * nothing. Requests that need the same read while it is under way share it: queued one behind the
 * other, each would cost a turn of a busy event loop. The rows are frozen: callers copy what they change.
 */
export function hotReadUnlessWritten<T>(db: Knex, sql: string, bindings: readonly unknown[]): Promise<readonly T[]> {
  const client: unknown = db.client;
  if (!(client instanceof SqliteClient)) return hotRead<T>(db, sql, bindings);
  const store = storeFor(client);
  const key = `${sqlNumber(sql)}:${JSON.stringify(bindings)}`;
  const writes = writesSoFar(client.databaseFile());
  const requests = client.requestsSoFar;
  const now = performance.now();
  const known = store.get(key);
  if (known && known.writes === writes && known.requests === requests && now - known.readAt < REMEMBER_AT_MOST_MS) {
    return known.rows as Promise<readonly T[]>;
  }
  const rows = frozenRows<T>(db, sql, bindings);
  // Kept under the counts seen as the read was issued: a write that ends later makes it stale.
  const entry = { writes, requests, readAt: now, rows };
  remember(store, key, entry);
  // A failed read is not kept.
  rows.catch(() => store.get(key) === entry && store.delete(key));
  return rows;
}
