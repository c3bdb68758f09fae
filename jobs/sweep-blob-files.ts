import type { Job } from './runner';
import { sweepBlobFiles } from '../server/services/retention/sweep-files';

export const sweepBlobFilesJob: Job = {
  name: 'sweep-blob-files',
  schedule: '23 * * * *',
  run: async (deps, { atBoot }) => ({ ...(await sweepBlobFiles(deps, atBoot ? 0 : undefined)) }),
};
