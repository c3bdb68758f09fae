import type { Deps } from '../../deps';
import { listDescriberConfigs, type DescriberConfigRow } from '../../db/describer-configs';
import { measuredFigures } from '../../db/comparisons';
import { EMBEDDED_KEY } from './describers';

/** What the upload page tells before a batch: measured per-image figures of the describer in use. */
export interface UploadEstimate {
  /** Finished comparison results the figures come from. */
  measured: number;
  msPerImage: number;
  costPerImage: number;
  /** Images described at once by the queue, for the time of a whole batch. */
  concurrency: number;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const bare = (url: string) => url.trim().replace(/\/+$/, '');

/**
 * The figures of the active describer, from comparison runs: the embedded one's own results, or those
 * of configured servers with the same base URL (one of the pool's) and model as the environment's.
 * Null when nothing was measured yet.
 */
export async function estimateForActiveDescriber(deps: Pick<Deps, 'db' | 'config' | 'describer'>): Promise<UploadEstimate | null> {
  const keys = deps.describer.name === 'local' ? [EMBEDDED_KEY] : (await configsOfActive(deps)).map((c) => c.id);
  const figures = await measuredFigures(deps.db, keys);
  return figures ? { ...figures, concurrency: deps.config.queueConcurrency } : null;
}


/** The configured servers that are the describer in use: one of its base URLs, and its model. */
async function configsOfActive(deps: Pick<Deps, 'db' | 'config'>): Promise<DescriberConfigRow[]> {
  const urls = (deps.config.openai.baseUrls.length ? deps.config.openai.baseUrls : [DEFAULT_BASE_URL]).map(bare);
  return (await listDescriberConfigs(deps.db)).filter((c) => urls.includes(bare(c.base_url)) && c.model === deps.config.openai.model);
}

/** The prices of the describer in use: nothing for the embedded one; the admin's for a configured server; null when unknown. */
export async function activePrices(deps: Pick<Deps, 'db' | 'config' | 'describer'>): Promise<{ priceInputPerM: number; priceOutputPerM: number } | null> {
  if (deps.describer.name === 'local') return { priceInputPerM: 0, priceOutputPerM: 0 };
  const [config] = await configsOfActive(deps);
  return config ? { priceInputPerM: config.price_input_per_m, priceOutputPerM: config.price_output_per_m } : null;
}
