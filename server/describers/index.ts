import type { Config } from '../config';
import type { Logger } from '../logger';
import { DescriberError, type Describer, type DescribeInput, type DescribeOptions, type Description } from './types';
import { createOpenAIDescriber } from './openai';
import { LOCAL_HONOURS } from './honours';
import { withPurpose } from './purpose';
import { withTranslations } from './translations';

export type { Describer } from './types';

/** Picks the describer named by DESCRIBER; either way, the image's purpose is applied to what it writes. */
export function createDescriber(config: Config, logger: Logger): Describer {
  if (config.describer === 'openai') return withTranslations(withPurpose(createOpenAIDescriber(config, logger)));
  return createOfflineDescriber(logger);
}

/** The embedded describer, loaded on its first image: what the command line uses by default. */
export function createOfflineDescriber(logger: Logger): Describer {
  return withTranslations(withPurpose(new LazyLocalDescriber(logger)));
}

type LocalModule = {
  createLocalDescriber(opts?: { onReady?(info: { loadMs: number; ocrEngine: string; notes: string[] }): void }): Describer & { warm(): void };
};

/**
 * The offline describer loads its detectors (hundreds of MB) only when the first image arrives or
 * when the server warms it after boot, so tests and processes that never describe anything do not
 * pay for it.
 */
class LazyLocalDescriber implements Describer {
  readonly name = 'local' as const;
  readonly destination = { offMachine: false, host: 'this server' } as const;
  readonly honours = LOCAL_HONOURS;
  private inner?: Describer;

  constructor(private readonly logger: Logger) {}

  describe(input: DescribeInput, options: DescribeOptions, signal?: AbortSignal): Promise<Description> {
    return this.load().describe(input, options, signal);
  }

  async close(): Promise<void> {
    await this.inner?.close();
  }

  warm(): void {
    this.load().warm?.();
  }

  private load(): Describer {
    if (this.inner) return this.inner;
    let local: LocalModule;
    try {
      local = require('./local') as LocalModule;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes('./local')) {
        throw new DescriberError('The offline describer is not available in this build; set DESCRIBER=openai and OPENAI_BASE_URL.', false);
      }
      throw err;
    }
    this.inner = local.createLocalDescriber({ onReady: (info) => this.logger.info(info, 'offline describer ready') });
    return this.inner;
  }
}
