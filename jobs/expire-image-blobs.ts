import type { Job } from './runner';
import { expireImageBlobs } from '../server/services/retention/expire-blobs';

export const expireImageBlobsJob: Job = {
  name: 'expire-image-blobs',
  schedule: '* * * * *',
  run: async (deps) => ({ ...(await expireImageBlobs(deps)) }),
};
