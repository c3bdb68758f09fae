import type { Job } from './runner';
import { checkpointAndOptimize } from '../server/services/maintenance/database';

export const maintainDatabaseJob: Job = {
  name: 'maintain-database',
  schedule: '43 3 * * *',
  run: async (deps) => ({ ...(await checkpointAndOptimize(deps)) }),
};
