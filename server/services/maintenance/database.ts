import type { Deps } from '../../deps';
import { isPostgres } from '../../db/knex';

export interface MaintenanceCounts {
  walPagesCheckpointed: number;
  busy: number;
}

/**
 * SQLite: moves the write-ahead log into the database file and truncates it, so deleted rows
 * (already zeroed by secure_delete in the main file) do not survive in old WAL frames, after letting
 * SQLite refresh its query planner statistics (https://sqlite.org/pragma.html#pragma_optimize).
 *
 * PostgreSQL: nothing. Autovacuum keeps the statistics, and no command short of rewriting the cluster
 * removes old row versions from its files and WAL (the README says so under "Running on PostgreSQL").
 */
export async function checkpointAndOptimize(deps: Pick<Deps, 'db'>): Promise<MaintenanceCounts> {
  if (isPostgres(deps.db)) return { walPagesCheckpointed: 0, busy: 0 };
  // optimize may write statistics, so it goes first and its writes are checkpointed too.
  await deps.db.raw('PRAGMA optimize');
  const rows = (await deps.db.raw('PRAGMA wal_checkpoint(TRUNCATE)')) as { busy: number; log: number; checkpointed: number }[];
  const result = rows[0] ?? { busy: 0, checkpointed: 0 };
  return { walPagesCheckpointed: Math.max(0, result.checkpointed), busy: result.busy };
}
