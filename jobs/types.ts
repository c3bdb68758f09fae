import type { BlobDeps } from '../server/services/retention/blob-deps';

/** What every job receives: the app's dependencies. */
export type JobDeps = BlobDeps;
