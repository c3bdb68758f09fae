import path from 'node:path';
import knex, { Knex } from 'knex';
import { SqliteClient } from './sqlite-client';

export type Db = Knex;

/**
 * Every connection gets the same pragmas, here and nowhere else:
 * WAL for concurrent readers, FULL sync so acknowledged writes survive a crash,
 * secure_delete so deleted rows do not linger in the file.
 */
const PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA synchronous = FULL',
  'PRAGMA secure_delete = ON',
].join(';\n');

type RawSqliteConnection = { exec(sql: string, cb: (err: Error | null) => void): void };

export function createDb(filename: string): Db {
  return knex({
    // knex's own SQLite client, extended (see sqlite-client.ts); knex takes a client class here.
    client: SqliteClient as unknown as typeof Knex.Client,
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: RawSqliteConnection, done: (err: Error | null, conn: RawSqliteConnection) => void) {
        conn.exec(PRAGMAS, (err) => done(err, conn));
      },
    },
  });
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

/** SQLite's view of its own health, for /healthz. */
export async function databaseState(db: Db): Promise<'ok' | 'error'> {
  try {
    await db.raw('select 1');
    return 'ok';
  } catch {
    return 'error';
  }
}
