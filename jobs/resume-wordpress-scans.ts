import type { Job } from './runner';
import { resumeScans } from '../server/services/wordpress/scan';

/** WordPress scans whose process stopped mid-way carry on from the page they reached. */
export const resumeWordPressScansJob: Job = {
  name: 'resume-wordpress-scans',
  schedule: '* * * * *',
  run: async (deps) => ({ resumed: await resumeScans(deps) }),
};
