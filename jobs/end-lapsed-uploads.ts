import type { Job } from './runner';
import { endLapsedUploads } from '../server/services/ingest/lapsed-uploads';

/** Batches whose upload was cut off by a stopped web process finish once its deadline has passed. */
export const endLapsedUploadsJob: Job = {
  name: 'end-lapsed-uploads',
  schedule: '* * * * *',
  run: async (deps) => ({ finished: await endLapsedUploads(deps) }),
};
