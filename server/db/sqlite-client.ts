import path from 'node:path';
import Sqlite3Dialect from 'knex/lib/dialects/sqlite3';
import sqlite3, { type Database, type Statement } from 'sqlite3';
import { countWrite } from './write-count';

/** Statements prepared on each connection, by their SQL text. */
const preparedByConnection = new WeakMap<Database, Map<string, Statement>>();

function finalize(statement: Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

async function finalizeAll(connection: Database): Promise<void> {
  const statements = preparedByConnection.get(connection);
  preparedByConnection.delete(connection);
  for (const statement of statements?.values() ?? []) await finalize(statement);
}

/** The hot-read connection only reads; it waits out a checkpoint rather than failing. */
const READER_PRAGMAS = 'PRAGMA busy_timeout = 5000; PRAGMA query_only = ON';

function openReader(filename: string): Promise<Database> {
  return new Promise((resolve, reject) => {
    const connection = new sqlite3.Database(filename, sqlite3.OPEN_READWRITE, (openErr) => {
      if (openErr) return reject(openErr);
      connection.exec(READER_PRAGMAS, (err) => (err ? connection.close(() => reject(err)) : resolve(connection)));
    });
  });
}

function close(connection: Database): Promise<void> {
  return new Promise((resolve, reject) => connection.close((err) => (err ? reject(err) : resolve())));
}

/**
 * knex's SQLite client, plus statements kept prepared per connection for the few reads every page
 * view runs (see `hotRead`), and a second connection those reads use. knex's pool holds the one
 * connection that writes; a read queued behind it waits for whatever transaction it runs, fsync
 * included. Under WAL a second connection reads the last committed state at once instead.
 * SQLite refuses to close a connection while statements are prepared, so they are finalized first.
 */
export class SqliteClient extends Sqlite3Dialect {
  private reader: Promise<Database> | undefined;

  /**
   * The connection for hot reads, opened on first use. Undefined for an in-memory database, which a
   * second connection would not share, and once knex is destroyed, so reads fail as every query does.
   */
  readConnection(): Promise<Database> | undefined {
    const filename = (this.connectionSettings as { filename?: string }).filename ?? '';
    if (!(this as { pool?: unknown }).pool || filename === '' || filename === ':memory:' || filename.startsWith('file:')) return undefined;
    if (!this.reader) {
      const opening = openReader(filename);
      // A failed open is not kept: the next read tries again.
      opening.catch(() => {
        if (this.reader === opening) this.reader = undefined;
      });
      this.reader = opening;
    }
    return this.reader;
  }

  /** Counts every statement that may write (anything but a select), once it has finished. */
  override async _query(connection: Database, query: { sql?: string }): Promise<unknown> {
    try {
      return await super._query(connection, query);
    } finally {
      if (!/^[\s(]*select\b/i.test(query.sql ?? '')) countWrite(this.databaseFile());
    }
  }

  /** The database file, as the key its write count is kept under; knex's transaction clients share the settings. */
  databaseFile(): string {
    const filename = (this.connectionSettings as { filename?: string }).filename ?? '';
    return filename === '' || filename === ':memory:' ? filename : path.resolve(filename);
  }

  override async destroyRawConnection(connection: Database): Promise<void> {
    await finalizeAll(connection);
    return super.destroyRawConnection(connection);
  }

  /** Closes the reader before the pool, so the pool's connection is the last and folds the WAL back. */
  override async destroy(callback?: (err?: unknown) => void): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    const connection = reader ? await reader.catch(() => undefined) : undefined;
    if (connection) {
      await finalizeAll(connection);
      await close(connection);
    }
    return super.destroy(callback);
  }
}

function prepare(connection: Database, sql: string): Promise<Statement> {
  return new Promise((resolve, reject) => {
    const statement = connection.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(statement)));
  });
}

/** Runs a read on `connection` with its statement prepared once and reused; SQL that fails to prepare is not kept. */
export async function preparedAll<T>(connection: Database, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  let statements = preparedByConnection.get(connection);
  if (!statements) {
    statements = new Map();
    preparedByConnection.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = await prepare(connection, sql);
    statements.set(sql, statement);
  }
  const ready = statement;
  return new Promise((resolve, reject) => {
    ready.all(bindings, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
  });
}
