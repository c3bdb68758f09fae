import type { Job } from './runner';
import { finishAccountDeletions } from '../server/services/data-rights/account-deletion';

export const finishAccountDeletionsJob: Job = {
  name: 'finish-account-deletions',
  schedule: '13 * * * *',
  run: async (deps) => ({ ...(await finishAccountDeletions(deps)) }),
};
