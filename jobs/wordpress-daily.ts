import type { Job } from './runner';
import { runDailySites } from '../server/services/wordpress/daily';

/** WordPress sites set to run daily: scan for changes, describe the new images into the review queue. */
export const wordpressDailyJob: Job = {
  name: 'wordpress-daily',
  schedule: '17 * * * *',
  run: async (deps) => runDailySites(deps),
};
