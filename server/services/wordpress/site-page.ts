import type { Deps } from '../../deps';
import { countDescribed, latestScans, mediaOfQualities, qualityCounts, type MediaRow, type ScanRow } from '../../db/wordpress-scans';
import { recentWrites, type WriteRow } from '../../db/wordpress-writes';
import { loadSite, siteView, type SiteView } from './connect';

/** Images listed on the site's page; the counts cover them all. */
const LISTED = 100;

export interface ScanView {
  id: string;
  status: ScanRow['status'];
  itemsSeen: number;
  totalItems: number | null;
  page: number;
  totalPages: number | null;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
  later: boolean;
}

export interface SitePage {
  site: SiteView;
  counts: { missing: number; weak: number; good: number };
  scans: ScanView[];
  running: boolean;
  toFix: MediaRow[];
  toFixTotal: number;
  /** Described images (waiting for review or to be written). */
  described: number;
  /** Recent write-back runs, newest first, each with its writes. */
  runs: { runId: string; at: number; writes: WriteRow[] }[];
}

function toScanView(s: ScanRow): ScanView {
  return {
    id: s.id,
    status: s.status,
    itemsSeen: s.items_seen,
    totalItems: s.total_items,
    page: Math.max(0, s.next_page - 1),
    totalPages: s.total_pages,
    error: s.error,
    startedAt: Number(s.started_at),
    finishedAt: s.finished_at == null ? null : Number(s.finished_at),
    later: s.modified_after !== null,
  };
}

function groupRuns(writes: WriteRow[]): SitePage['runs'] {
  const runs = new Map<string, SitePage['runs'][number]>();
  for (const w of writes) {
    const run = runs.get(w.run_id) ?? { runId: w.run_id, at: Number(w.created_at), writes: [] };
    run.writes.push(w);
    runs.set(w.run_id, run);
  }
  return [...runs.values()];
}

/** Everything the site's page shows: counts by alt text quality, recent scans, the images to fix. */
export async function sitePage(deps: Pick<Deps, 'db'>, userId: number, siteId: string): Promise<SitePage> {
  const site = await loadSite(deps, userId, siteId);
  const scans = (await latestScans(deps.db, userId, siteId)).map(toScanView);
  const toFix = await mediaOfQualities(deps.db, userId, siteId, ['missing', 'weak']);
  return {
    site: siteView(site),
    counts: await qualityCounts(deps.db, userId, siteId),
    scans,
    running: scans.some((s) => s.status === 'running'),
    toFix: toFix.slice(0, LISTED),
    toFixTotal: toFix.length,
    described: await countDescribed(deps.db, userId, siteId),
    runs: groupRuns(await recentWrites(deps.db, userId, siteId)),
  };
}
