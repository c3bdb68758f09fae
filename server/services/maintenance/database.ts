import type { Deps } from '../../deps';
import { isPostgres } from '../../db/knex';
import { rotateTextKeys } from '../../db/text-key-rotation';

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
 * removes old row versions from its files and WAL; text there is sealed and shredded by destroying its
 * key instead (rotateKeysAfterDeletions, and account deletion).
 */
export async function checkpointAndOptimize(deps: Pick<Deps, 'db'>): Promise<MaintenanceCounts> {
  if (isPostgres(deps.db)) return { walPagesCheckpointed: 0, busy: 0 };
  // optimize may write statistics, so it goes first and its writes are checkpointed too.
  await deps.db.raw('PRAGMA optimize');
  const rows = (await deps.db.raw('PRAGMA wal_checkpoint(TRUNCATE)')) as { busy: number; log: number; checkpointed: number }[];
  const result = rows[0] ?? { busy: 0, checkpointed: 0 };
  return { walPagesCheckpointed: Math.max(0, result.checkpointed), busy: result.busy };
}

/**
 * PostgreSQL: accounts that deleted text get a new text key, their remaining text is re-sealed under
 * it and the old key is destroyed, so the deleted text left in old row versions and the WAL can no
 * longer be opened (server/db/text-key-rotation.ts). SQLite: nothing (secure_delete erased it).
 */
export async function rotateKeysAfterDeletions(deps: Pick<Deps, 'db'>): Promise<{ rotated: number; resealed: number }> {
  return rotateTextKeys(deps.db);
}
