import type { Deps } from '../deps';
import { startJobs } from '../../jobs';
import type { RunningRole } from './running';

/** Runs the schedule table (expiry, retention, sweeps); first everything that fell due while down. */
export async function startScheduler(deps: Deps): Promise<RunningRole> {
  const jobs = await startJobs(deps);
  return { stop: () => jobs.stop() };
}
