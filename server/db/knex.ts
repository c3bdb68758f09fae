import path from 'node:path';
import knex, { Knex } from 'knex';
import { types as pgTypes } from 'pg';
import { openSealedText } from './text-codec';
import { applyPragmas, SQLITE_BUSY_WAIT_MS, type RawSqliteConnection } from './sqlite-pragmas';

export type Db = Knex;

/** Where the data lives: the embedded SQLite file (the default) or a PostgreSQL server. */
export type DatabaseTarget = { client: 'sqlite'; filename: string } | { client: 'postgres'; url: string };

/**
 * Every SQLite connection gets the same pragmas, here and nowhere else:
 * WAL for concurrent readers, FULL sync so acknowledged writes survive a crash,
 * secure_delete so deleted rows do not linger in the file.
 */
const PRAGMAS = [
  `PRAGMA busy_timeout = ${SQLITE_BUSY_WAIT_MS}`,
  'PRAGMA journal_mode = WAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA synchronous = FULL',
  'PRAGMA secure_delete = ON',
].join(';\n');


// PostgreSQL type ids (pg_type.oid).
const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

/**
 * Values come back from PostgreSQL as they do from SQLite, so no repository or service branches on
 * the database: counts and bigint columns (epoch milliseconds) as numbers rather than strings, and
 * booleans as 1 and 0, which is how SQLite stores them. Scoped to our connections (pg's `types`
 * client option), not set on pg's process-wide parsers.
 */
const pgResultTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === BOOL) return (value: string) => (value === 't' ? 1 : 0);
    return pgTypes.getTypeParser(oid, format);
  },
};

function sqliteConfig(filename: string): Knex.Config {
  return {
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      // One connection: SQLite takes one writer at a time, and queuing in knex costs less than SQLITE_BUSY.
      min: 1,
      max: 1,
      afterCreate(conn: RawSqliteConnection, done: (err: Error | null, conn: RawSqliteConnection) => void) {
        applyPragmas(conn, PRAGMAS, done);
      },
    },
  };
}

function postgresConfig(url: string): Knex.Config {
  return {
    client: 'pg',
    connection: { connectionString: url, application_name: 'sightline', types: pgResultTypes } as Knex.PgConnectionConfig,
    // min 0: idle connections are closed rather than held open for ever.
    pool: { min: 0, max: 10 },
    // Every result passes through the text codec, so sealed text reads as plaintext everywhere.
    postProcessResponse: openSealedText,
  };
}

export function createDb(target: DatabaseTarget): Db {
  return knex(target.client === 'sqlite' ? sqliteConfig(target.filename) : postgresConfig(target.url));
}

/** True on PostgreSQL: the few queries that differ branch on this. */
export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** What transactions take turns at on PostgreSQL: the first key of an advisory lock. */
const TURNS = { quota: 1, signup: 2 } as const;

/**
 * Makes transactions that take the same turn (for the same `id`, such as a user) run from here one
 * after the other, each until it ends: a check-then-write that SQLite's one write transaction at a
 * time already keeps apart. PostgreSQL takes a transaction-scoped advisory lock; outside a
 * transaction this does nothing useful.
 */
export async function takeTurn(trx: Knex, turn: keyof typeof TURNS, id = 0): Promise<void> {
  if (isPostgres(trx)) await trx.raw('select pg_advisory_xact_lock(?, ?)', [TURNS[turn], id]);
}

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/** Migrations are compiled TypeScript; only the emitted .js files are loaded. */
export const migrationConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIR,
  loadExtensions: ['.js'],
  tableName: 'knex_migrations',
};

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest(migrationConfig);
}

export async function rollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback(migrationConfig, true);
}

/** The database's view of its own health, for /healthz. */
export async function databaseState(db: Db): Promise<'ok' | 'error'> {
  try {
    await db.raw('select 1');
    return 'ok';
  } catch {
    return 'error';
  }
}
