import path from 'node:path';
import knex, { type Knex } from 'knex';
import { RateLimiterPostgres, RateLimiterSQLite, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { isPostgres, type Db } from '../db/knex';
import { applyPragmas, SQLITE_BUSY_WAIT_MS, type RawSqliteConnection } from '../db/sqlite-pragmas';

const TABLE = 'rate_limits';
/** Rows whose window ended this long ago are deleted, now and then, by `prune`. */
const KEEP_EXPIRED_MS = 60 * 60_000;

/**
 * The limits file's connection. WAL, so processes sharing the file wait on each other only while one
 * writes; synchronous NORMAL, because a count lost to a power cut only forgives a few attempts, and
 * syncing every check to disk would double its cost (about 0.8 ms against 0.4 ms a check, measured).
 */
const SQLITE_PRAGMAS = [`PRAGMA busy_timeout = ${SQLITE_BUSY_WAIT_MS}`, 'PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL'].join(';\n');

async function deleteExpired(db: Knex): Promise<void> {
  await db(TABLE).where('expire', '<', Date.now() - KEEP_EXPIRED_MS).delete();
}

/** Where the counts live, shared by every process that uses the same database. */
export interface LimitStore {
  /** A rate-limiter-flexible limiter on the shared table. */
  limiter(keyPrefix: string, points: number, windowMs: number): RateLimiterStoreAbstract;
  /** Resolves once the table exists; every check waits for it. */
  ready: Promise<void>;
  /** Deletes the rows of windows that ended over an hour ago. */
  prune(): Promise<void>;
  close(): Promise<void>;
}

/**
 * On PostgreSQL, the `rate_limits` table of the database (made by a migration). On SQLite, a file of
 * its own next to the database, `rate-limits.sqlite`, on a connection of its own: the library runs
 * its statements on a raw connection taken from knex's pool and hands it back before they finish, so
 * on the database's one connection they would land inside other transactions ("cannot start a
 * transaction within a transaction"); and a second connection writing to the database file would
 * make the app's read-then-write transactions fail with SQLITE_BUSY. A separate file has neither
 * problem, and processes on one machine share it.
 */
export function openLimitStore(config: Config, db: Db): LimitStore {
  if (isPostgres(db)) {
    const limiter = (keyPrefix: string, points: number, windowMs: number) =>
      new RateLimiterPostgres({ storeClient: db, storeType: 'knex', tableName: TABLE, tableCreated: true, clearExpiredByTimeout: false, keyPrefix, points, duration: windowMs / 1000 });
    return { limiter, ready: Promise.resolve(), prune: () => deleteExpired(db), close: async () => {} };
  }
  const limitsDb = knex({
    client: 'sqlite3',
    connection: { filename: path.join(config.dataDir, 'rate-limits.sqlite') },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: RawSqliteConnection, done: (err: Error | null, conn: RawSqliteConnection) => void) {
        applyPragmas(conn, SQLITE_PRAGMAS, done);
      },
    },
  });
  // A file with one table and no history: made by whichever process opens it first. IF NOT EXISTS
  // lets any number open it at once, which a migration lock would refuse.
  const ready = limitsDb
    .raw(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT)`)
    .then(() => undefined);
  ready.catch(() => undefined); // reported by the first check that waits for it
  const limiter = (keyPrefix: string, points: number, windowMs: number) =>
    new RateLimiterSQLite({ storeClient: limitsDb, storeType: 'knex', tableName: TABLE, tableCreated: true, clearExpiredByTimeout: false, keyPrefix, points, duration: windowMs / 1000 });
  return {
    limiter,
    ready,
    prune: async () => {
      await ready;
      await deleteExpired(limitsDb);
    },
    close: async () => {
      await ready.catch(() => undefined);
      await limitsDb.destroy();
    },
  };
}
