import type { Job } from './runner';
import { sweepBlobFiles } from '../server/services/retention/sweep-files';

/** The same grace at boot: another process sharing the store may be mid-upload while this one starts. */
export const sweepBlobFilesJob: Job = {
  name: 'sweep-blob-files',
  schedule: '23 * * * *',
  run: async (deps) => ({ ...(await sweepBlobFiles(deps)) }),
};
