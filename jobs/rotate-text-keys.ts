import type { Job } from './runner';
import { rotateKeysAfterDeletions } from '../server/services/maintenance/database';

/** Hourly, so text deleted on PostgreSQL is unreadable within a day even if several runs fail. */
export const rotateTextKeysJob: Job = {
  name: 'rotate-text-keys',
  schedule: '29 * * * *',
  run: async (deps) => ({ ...(await rotateKeysAfterDeletions(deps)) }),
};
