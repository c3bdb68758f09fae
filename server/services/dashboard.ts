import type { Deps } from '../deps';
import { recentBatchSummaries, BatchSummary } from '../db/dashboard';

export interface Dashboard {
  batches: BatchSummary[];
}

export async function dashboardFor(deps: Deps, userId: number): Promise<Dashboard> {
  return { batches: await recentBatchSummaries(deps.db, userId) };
}
