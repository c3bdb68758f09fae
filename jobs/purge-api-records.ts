import type { Job } from './runner';
import { purgeApiRecords } from '../server/services/api-housekeeping';

export const purgeApiRecordsJob: Job = {
  name: 'purge-api-records',
  schedule: '27 * * * *',
  run: async (deps) => ({ ...(await purgeApiRecords(deps)) }),
};
