import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { dailySitesDue, markDailyRun, setDaily } from '../../db/wordpress-sites';
import { runScan, startScan } from './scan';
import { describeSelection } from './describe';

const DAY_MS = 24 * 3600_000;

export async function setDailyRun(deps: Pick<Deps, 'db'>, userId: number, siteId: string, daily: boolean): Promise<void> {
  if ((await setDaily(deps.db, userId, siteId, daily)) === 0) throw new HttpError(404, 'No such WordPress site.', 'not_found');
}

/**
 * Once a day per site that asked for it: scan for what changed, then describe every image without
 * good alt text not described yet into a new batch, which waits in the review queue. Nothing is
 * written to the site without a person's review. A site that fails is logged and tried the next day.
 */
export async function runDailySites(deps: Deps): Promise<{ scanned: number; described: number }> {
  const now = deps.clock.now().getTime();
  const counts = { scanned: 0, described: 0 };
  for (const site of await dailySitesDue(deps.db, now - DAY_MS)) {
    await markDailyRun(deps.db, site.user_id, site.id, now);
    const scan = await runScan(deps, site.user_id, (await startScan(deps, site.user_id, site.id)).id);
    if (scan.status !== 'done') {
      deps.logger.warn({ siteId: site.id, error: scan.error }, 'daily WordPress scan failed');
      continue;
    }
    counts.scanned += 1;
    try {
      counts.described += (await describeSelection(deps, site.user_id, site.id)).accepted;
    } catch (err) {
      // Nothing new to describe, or over the quota: said in the log, tried again tomorrow.
      if (!(err instanceof HttpError)) throw err;
      deps.logger.info({ siteId: site.id, reason: err.message }, 'daily WordPress describe skipped');
    }
  }
  return counts;
}
