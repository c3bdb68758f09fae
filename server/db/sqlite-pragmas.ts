/** The part of a node-sqlite3 connection the pragmas need. */
export type RawSqliteConnection = { exec(sql: string, cb: (err: Error | null) => void): void };

/** How long a new connection waits for the file to be free, as long as busy_timeout waits for a lock. */
export const SQLITE_BUSY_WAIT_MS = 5000;
const RETRY_EVERY_MS = 25;

/**
 * Runs a new connection's pragmas, waiting while the file is busy. Turning a new file to WAL needs it
 * to itself, and SQLite answers SQLITE_BUSY at once, without calling the busy handler, while another
 * connection holds a write lock on it: two processes opening a fresh DATA_DIR together would otherwise
 * see one of them fail on its first query. busy_timeout comes first, so every later pragma waits too.
 */
export function applyPragmas(conn: RawSqliteConnection, pragmas: string, done: (err: Error | null, conn: RawSqliteConnection) => void): void {
  const giveUpAt = Date.now() + SQLITE_BUSY_WAIT_MS;
  const attempt = () =>
    conn.exec(pragmas, (err) => {
      const busy = (err as { code?: string } | null)?.code === 'SQLITE_BUSY';
      if (busy && Date.now() < giveUpAt) setTimeout(attempt, RETRY_EVERY_MS);
      else done(err, conn);
    });
  attempt();
}
