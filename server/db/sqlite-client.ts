import Sqlite3Dialect from 'knex/lib/dialects/sqlite3';
import type { Database, Statement } from 'sqlite3';

/** Statements prepared on each connection, by their SQL text. */
const preparedByConnection = new WeakMap<Database, Map<string, Statement>>();

function finalize(statement: Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

/**
 * knex's SQLite client, plus statements kept prepared per connection for the few reads every page
 * view runs (see `hotRead`). SQLite refuses to close a connection while statements are prepared,
 * so they are finalized before the connection closes.
 */
export class SqliteClient extends Sqlite3Dialect {
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
