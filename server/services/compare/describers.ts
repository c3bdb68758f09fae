import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { Describer } from '../../describers/types';
import { createOfflineDescriber } from '../../describers';
import { OpenAIDescriber } from '../../describers/openai';
import { withPurpose } from '../../describers/purpose';
import { HttpError } from '../../middleware/errors';
import { checkDestination, OutboundError } from '../../net';
import { seal, open } from '../../storage/blob-cipher';
import { deleteDescriberConfig, findDescriberConfig, insertDescriberConfig, listDescriberConfigs, type DescriberConfigRow } from '../../db/describer-configs';

/** The key of the embedded describer among the describers a comparison can run. */
export const EMBEDDED_KEY = 'local';

/** A describer as the admin page lists it: never its API key, only whether one is stored. */
export interface DescriberChoice {
  key: string;
  name: string;
  model: string;
  baseUrl: string | null;
  hasApiKey: boolean;
  priceInputPerM: number;
  priceOutputPerM: number;
}

const EMBEDDED: DescriberChoice = { key: EMBEDDED_KEY, name: 'Embedded (offline)', model: 'local', baseUrl: null, hasApiKey: false, priceInputPerM: 0, priceOutputPerM: 0 };

/** The embedded describer first, then the servers the admin configured, oldest first. */
export async function describerChoices(deps: Pick<Deps, 'db'>): Promise<DescriberChoice[]> {
  const rows = await listDescriberConfigs(deps.db);
  return [EMBEDDED, ...rows.map(toChoice)];
}

function toChoice(row: DescriberConfigRow): DescriberChoice {
  return {
    key: row.id, name: row.name, model: row.model, baseUrl: row.base_url, hasApiKey: Boolean(row.api_key_sealed),
    priceInputPerM: row.price_input_per_m, priceOutputPerM: row.price_output_per_m,
  };
}

export interface DescriberInput {
  name?: unknown;
  baseUrl?: unknown;
  model?: unknown;
  apiKey?: unknown;
  priceInputPerM?: unknown;
  priceOutputPerM?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A price per million tokens: empty is 0; negative, or not a number, is refused. */
function price(v: unknown, label: string): number {
  const raw = text(v);
  if (raw === '') return 0;
  const n = Number(raw.replace(',', '.'));
  if (!Number.isFinite(n) || n < 0 || n > 100_000) throw new HttpError(400, `${label}: give a price per million tokens, such as 0.15 (0 for a free server).`, 'invalid_price');
  return n;
}

/**
 * Adds an OpenAI-compatible server. Its address goes through the outgoing-address rules of webhooks
 * and image URLs: private and loopback addresses only when ALLOWED_INTERNAL_HOSTS names them (a GPU
 * box on the local network, or Ollama on this machine). The API key is sealed with the instance key.
 */
export async function addDescriber(deps: Pick<Deps, 'db' | 'config' | 'clock'>, input: DescriberInput): Promise<DescriberChoice> {
  const name = text(input.name);
  const model = text(input.model);
  const baseUrl = text(input.baseUrl).replace(/\/+$/, '');
  if (!name || name.length > 80) throw new HttpError(400, 'Give the describer a name of up to 80 characters.', 'invalid_name');
  if (!model || model.length > 200) throw new HttpError(400, 'Give the model’s name as the server knows it (for example gpt-4o-mini or llava).', 'invalid_model');
  try {
    await checkDestination(baseUrl, deps.config.allowedInternalHosts);
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    throw new HttpError(400, `The server address was refused: ${err.message}. Give its base URL, such as https://api.openai.com/v1${err.code === 'address_refused' ? ' (an address on this machine or network needs ALLOWED_INTERNAL_HOSTS)' : ''}.`, 'invalid_base_url');
  }
  const now = deps.clock.now().getTime();
  const id = `dsc_${crypto.randomBytes(9).toString('base64url')}`;
  const apiKey = text(input.apiKey);
  const row: DescriberConfigRow = {
    id, name, model, base_url: baseUrl,
    api_key_sealed: apiKey ? seal(deps.config.encryptionKey, `describer-api-key:${id}`, Buffer.from(apiKey)).toString('base64') : null,
    price_input_per_m: price(input.priceInputPerM, 'Input price'), price_output_per_m: price(input.priceOutputPerM, 'Output price'),
    created_at: now, updated_at: now,
  };
  await insertDescriberConfig(deps.db, row);
  return toChoice(row);
}

export async function removeDescriber(deps: Pick<Deps, 'db'>, id: string): Promise<void> {
  if (!(await deleteDescriberConfig(deps.db, id))) throw new HttpError(404, 'We could not find that describer.', 'not_found');
}

/** The embedded describers other than the app's own, loaded once per app describer (its detectors are large). */
const embedded = new WeakMap<Describer, Describer>();

/** Releases the embedded describer a comparison loaded beside the app's own (its detector workers). */
export async function closeComparisonDescribers(appDescriber: Describer): Promise<void> {
  const loaded = embedded.get(appDescriber);
  embedded.delete(appDescriber);
  await loaded?.close();
}

/** The describer a comparison job runs: the embedded one, or a configured server with its key unsealed. */
export async function describerFor(deps: Pick<Deps, 'db' | 'config' | 'logger' | 'describer'>, key: string): Promise<Describer | undefined> {
  if (key === EMBEDDED_KEY) {
    if (deps.describer.name === 'local') return deps.describer;
    if (!embedded.has(deps.describer)) embedded.set(deps.describer, createOfflineDescriber(deps.logger));
    return embedded.get(deps.describer);
  }
  const row = await findDescriberConfig(deps.db, key);
  if (!row) return undefined;
  const apiKey = row.api_key_sealed
    ? open(deps.config.encryptionKey, `describer-api-key:${row.id}`, Buffer.from(row.api_key_sealed, 'base64')).toString()
    : undefined;
  return withPurpose(new OpenAIDescriber({ apiKey, baseUrl: row.base_url, model: row.model, timeoutMs: deps.config.openai.timeoutMs, logger: deps.logger }));
}
