import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Describer } from './types';
import { createOpenAIDescriber } from './openai';

export type { Describer } from './types';

/**
 * Picks the describer named by DESCRIBER. The offline one is loaded lazily, so the heavy
 * detector packages never load when an OpenAI-compatible server does the work.
 */
export function createDescriber(config: Config, logger: Logger): Describer {
  if (config.describer === 'openai') return createOpenAIDescriber(config, logger);
  return createLocal(config, logger);
}

type LocalModule = {
  createLocalDescriber(opts?: { onReady?(info: { loadMs: number; ocrEngine: string; notes: string[] }): void }): Describer;
};

function createLocal(_config: Config, logger: Logger): Describer {
  let local: LocalModule;
  try {
    local = require('./local') as LocalModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes('./local')) {
      throw new Error('The offline describer is not available in this build; set DESCRIBER=openai and OPENAI_BASE_URL.');
    }
    throw err;
  }
  return local.createLocalDescriber({ onReady: (info) => logger.info(info, 'offline describer ready') });
}
