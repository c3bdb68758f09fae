import type { Job } from './runner';
import { purgeExpiredText } from '../server/services/retention/purge-text';

export const purgeExpiredTextJob: Job = {
  name: 'purge-expired-text',
  schedule: '7 * * * *',
  run: async (deps) => ({ ...(await purgeExpiredText(deps)) }),
};
