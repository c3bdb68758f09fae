import type { Job } from './runner';
import { fillMissingFlags } from '../server/services/audit/flags';

/** Images described before their checks were kept get them, 1,000 a minute, for the "flagged" filters. */
export const fillImageFlagsJob: Job = {
  name: 'fill-image-flags',
  schedule: '* * * * *',
  run: async (deps) => ({ checked: await fillMissingFlags(deps.db) }),
};
