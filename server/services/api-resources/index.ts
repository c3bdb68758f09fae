import type { Deps } from '../../deps';
import { latestJobOptions } from '../../db/api-resources';
import { findImage, listBatchImages, type ImageRow } from '../../db/images';
import { findBatch, type BatchRow } from '../../db/batches';
import { descriptionsFor, type DescriptionRow } from '../../db/descriptions';
import { translationsFor } from '../../db/translations';
import type { TranslatedText } from '../../describers/types';
import type { Description } from '../../describers/types';
import type { ProvenanceView } from '../results/records';
import { checkResults } from '../audit/of-results';
import type { Finding } from '../audit/rules';

/** How the API, webhooks and exports show one image and its result: snake_case, ISO times. */
export interface ImageResource {
  id: string;
  object: 'image';
  batch_id: string;
  status: string;
  error: string | null;
  original_name: string;
  width: number | null;
  height: number | null;
  byte_size: number | null;
  source_type: string | null;
  blurhash: string | null;
  dominant_color: string | null;
  created_at: string;
  processed_at: string | null;
  reviewed_at: string | null;
  approval: 'draft' | 'submitted' | 'approved';
  expires_at: string | null;
  result: ResultResource | null;
}

export interface ResultResource extends Omit<Description, 'provenance'> {
  /** The pattern version the manifest was made with. */
  pattern: { id: string; version: number; name: string } | null;
  edited_at: string | null;
  provenance: ProvenanceView;
  /**
   * What the alt text checks found (server/services/audit/rules.ts), on an image's current result:
   * found across the images of the same answer, so a repeated alt text is flagged. Versions have none.
   */
  checks?: Finding[];
  /** The current result's text in more languages, by code. Versions have none. */
  translations?: Record<string, TranslatedText>;
}

export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

type PatternRef = ResultResource['pattern'];

export function patternRef(options: Record<string, unknown> | undefined): PatternRef {
  const p = options?.pattern as { id?: unknown; version?: unknown; name?: unknown } | undefined;
  if (!p || typeof p.id !== 'string' || typeof p.version !== 'number') return null;
  return { id: p.id, version: p.version, name: typeof p.name === 'string' ? p.name : '' };
}

export function presentImage(image: ImageRow, description: DescriptionRow | undefined, pattern: PatternRef): ImageResource {
  return {
    id: image.id,
    object: 'image',
    batch_id: image.batch_id,
    status: image.status,
    error: image.error,
    original_name: image.original_name,
    width: image.width,
    height: image.height,
    byte_size: image.byte_size,
    source_type: image.source_type,
    blurhash: image.blurhash,
    dominant_color: image.dominant_color,
    created_at: iso(image.created_at) as string,
    processed_at: iso(image.processed_at),
    reviewed_at: iso(image.reviewed_at),
    approval: image.approval ?? 'draft',
    expires_at: iso(image.expires_at),
    result: description ? presentResult(description, pattern) : null,
  };
}

/** A stored result (current, or one of its versions) as the API shows it. */
export function presentResult(d: Omit<DescriptionRow, 'image_id' | 'user_id' | 'created_at' | 'updated_at'>, pattern: PatternRef): ResultResource {
  const manifest = parseJson<Record<string, unknown> | null>(d.manifest_json, null);
  return {
    alt_text: d.alt_text,
    caption: d.caption,
    title: d.title,
    description: d.description,
    tags: parseJson<string[]>(d.tags_json, []),
    filename: d.filename,
    text: d.text,
    decorative: Boolean(d.decorative),
    manifest,
    pattern: manifest ? pattern : null,
    edited_at: iso(d.edited_at),
    provenance: {
      describer: d.describer,
      model: d.model,
      prompt_version: d.prompt_version,
      input_tokens: d.input_tokens,
      output_tokens: d.output_tokens,
      duration_ms: d.duration_ms,
      draft: Boolean(d.draft),
      notes: parseJson<string[]>(d.notes_json, []),
    },
  };
}

/**
 * Results for many images in one to three queries; the pattern of each comes from its job, else its
 * batch, and is looked up only for results that carry a manifest (it is shown with nothing else).
 */
export async function presentImages(deps: Pick<Deps, 'db'>, images: ImageRow[]): Promise<ImageResource[]> {
  const userId = images[0]?.user_id ?? 0;
  const byImage = await descriptionsFor(deps.db, userId, images.map((i) => i.id));
  const translations = await translationsFor(deps.db, userId, images.filter((i) => byImage.has(i.id)).map((i) => i.id));
  const withManifest = images.filter((i) => byImage.get(i.id)?.manifest_json);
  const jobOptions = await latestJobOptions(deps.db, withManifest.map((i) => i.id));
  const described = images.filter((i) => byImage.has(i.id));
  const batchIds = [...new Set(described.map((i) => i.batch_id))];
  const batches: BatchRow[] = batchIds.length ? await deps.db<BatchRow>('batches').whereIn('id', batchIds) : [];
  const batchOptions = new Map(batches.map((b) => [b.id, parseJson<Record<string, unknown>>(b.options_json, {})]));
  const checks = checkResults(described.map((image) => {
    const d = byImage.get(image.id) as DescriptionRow;
    const limit = batchOptions.get(image.batch_id)?.altTextLength;
    return { key: image.id, altText: d.alt_text, decorative: Boolean(d.decorative), text: d.text, fileName: image.original_name, limit: typeof limit === 'number' ? limit : undefined };
  }));
  return images.map((image) => {
    const pattern = patternRef(jobOptions.get(image.id)) ?? patternRef(batchOptions.get(image.batch_id));
    const resource = presentImage(image, byImage.get(image.id), pattern);
    if (resource.result) {
      resource.result.checks = checks.get(image.id) ?? [];
      resource.result.translations = translations.get(image.id) ?? {};
    }
    return resource;
  });
}

export async function loadImageResource(deps: Pick<Deps, 'db'>, userId: number, imageId: string): Promise<ImageResource | undefined> {
  const image = await findImage(deps.db, userId, imageId);
  if (!image) return undefined;
  const [resource] = await presentImages(deps, [image]);
  return resource;
}

export interface BatchResource {
  id: string;
  object: 'batch';
  name: string;
  status: string;
  created_at: string;
  budget_cap: number | null;
  progress: { total: number; queued: number; processing: number; done: number; failed: number; cancelled: number; finished: boolean };
  images: ImageResource[];
}

const UNFINISHED = new Set(['queued', 'processing']);

export async function loadBatchResource(deps: Pick<Deps, 'db'>, userId: number, batchId: string): Promise<BatchResource | undefined> {
  const batch = await findBatch(deps.db, userId, batchId);
  if (!batch) return undefined;
  const images = await presentImages(deps, await listBatchImages(deps.db, userId, batch.id));
  const count = (status: string) => images.filter((i) => i.status === status).length;
  return {
    id: batch.id,
    object: 'batch',
    name: batch.name,
    status: batch.status,
    created_at: iso(batch.created_at) as string,
    budget_cap: batch.budget_cap == null ? null : Number(batch.budget_cap),
    progress: {
      total: images.length,
      queued: count('queued'),
      processing: count('processing'),
      done: count('done'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      finished: images.every((i) => !UNFINISHED.has(i.status)),
    },
    images,
  };
}
