import path from 'node:path';
import Sqlite3Dialect from 'knex/lib/dialects/sqlite3';
import type { Database, Statement } from 'sqlite3';
import { countWrite } from './write-count';

/** Statements prepared on each connection, by their SQL text. */
const preparedByConnection = new WeakMap<Database, Map<string, Statement>>();

function finalize(statement: Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

/**
 * knex's SQLite client, plus statements kept prepared per connection for the few reads every page
 * view runs (see `hotRead`), and the two counts that tell whether a remembered read still holds
 * (see `hotReadUnlessWritten`). SQLite refuses to close a connection while statements are prepared,
 * so they are finalized before the connection closes.
 */
export class SqliteClient extends Sqlite3Dialect {
  /**
   * How many times anything but a hot read has asked for the connection. A read issued after such a
   * request queues behind it, so it sees that request's writes; an answer read before it may not.
   * A page opened in a second tab, for one, may read while the first tab's write is still on its way
   * to SQLite: the write count only moves once that write has finished.
   */
  requestsSoFar = 0;

  /** Counts every statement that may write (anything but a select), once it has finished. */
  override async _query(connection: Database, query: { sql?: string }): Promise<unknown> {
    try {
      return await super._query(connection, query);
    } finally {
      if (!/^[\s(]*select\b/i.test(query.sql ?? '')) countWrite(this.databaseFile());
    }
  }

  private resolvedFile: { given: string; resolved: string } | undefined;

  /** The database file, as the key its write count is kept under; knex's transaction clients share the settings. */
  databaseFile(): string {
    const given = (this.connectionSettings as { filename?: string }).filename ?? '';
    // Asked on every hot read: the resolved path is kept for as long as the setting is the same.
    if (this.resolvedFile?.given !== given) {
      this.resolvedFile = { given, resolved: given === '' || given === ':memory:' ? given : path.resolve(given) };
    }
    return this.resolvedFile.resolved;
  }

  override acquireConnection(): Promise<unknown> {
    this.requestsSoFar += 1;
    return super.acquireConnection();
  }

  /** The connection for a hot read, which does not count as a request that may write. */
  acquireForRead(): Promise<unknown> {
    return super.acquireConnection();
  }

  override async destroyRawConnection(connection: Database): Promise<void> {
    const statements = preparedByConnection.get(connection);
    preparedByConnection.delete(connection);
    for (const statement of statements?.values() ?? []) await finalize(statement);
    return super.destroyRawConnection(connection);
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
