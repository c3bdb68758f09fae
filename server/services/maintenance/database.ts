import type { Deps } from '../../deps';

export interface MaintenanceCounts {
  walPagesCheckpointed: number;
  busy: number;
}

/**
 * Moves the write-ahead log into the database file and truncates it, so deleted rows (already
 * zeroed by secure_delete in the main file) do not survive in old WAL frames, after letting SQLite
 * refresh its query planner statistics (https://sqlite.org/pragma.html#pragma_optimize).
 */
export async function checkpointAndOptimize(deps: Pick<Deps, 'db'>): Promise<MaintenanceCounts> {
  // optimize may write statistics, so it goes first and its writes are checkpointed too.
  await deps.db.raw('PRAGMA optimize');
  const rows = (await deps.db.raw('PRAGMA wal_checkpoint(TRUNCATE)')) as { busy: number; log: number; checkpointed: number }[];
  const result = rows[0] ?? { busy: 0, checkpointed: 0 };
  return { walPagesCheckpointed: Math.max(0, result.checkpointed), busy: result.busy };
}
