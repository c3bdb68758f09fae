import type { Deps } from '../../deps';
import { findBatch, type BatchRow } from '../../db/batches';
import { readStoredOptions } from '../ingest/options';
import { checkResults } from '../audit/of-results';
import type { Finding } from '../audit/rules';
import { listImagesForExport } from '../../db/images';
import { descriptionsFor } from '../../db/descriptions';
import { toRecords, ImageRecord, type ProvenanceView } from '../results/records';
import { receiptsForImages, DeletionReceipt } from '../../db/receipts';
import { toCsv } from './csv';
import type { TranslatedText } from '../../describers/types';
import { translationsFor } from '../../db/translations';
import { recordRetrieved } from '../usage';

/** One exported image: its identity, every output field (as edited), and where the text came from. */
export interface ExportRecord {
  id: string;
  batch_id: string;
  original_name: string;
  status: string;
  error: string | null;
  alt_text: string | null;
  caption: string | null;
  title: string | null;
  description: string | null;
  tags: string[];
  filename: string | null;
  text: string | null;
  decorative: boolean | null;
  manifest: Record<string, unknown> | null;
  edited: boolean;
  reviewed: boolean;
  created_at: string;
  /** Proof that the working copy is gone, once it is: its hash, when and why it was deleted. */
  deletion_receipt: {
    image_sha256: string | null;
    received_at: string;
    deleted_at: string;
    reason: string;
  } | null;
  provenance: ProvenanceView | null;
  /** What the alt text checks found, across every image of the export (so repeats are flagged). */
  checks: Finding[];
  /** The text in more languages, by code. */
  translations: Record<string, TranslatedText>;
}

function toReceiptRecord(receipt: DeletionReceipt | undefined): ExportRecord['deletion_receipt'] {
  if (!receipt) return null;
  return {
    image_sha256: receipt.image_sha256,
    received_at: new Date(Number(receipt.received_at)).toISOString(),
    deleted_at: new Date(Number(receipt.deleted_at)).toISOString(),
    reason: receipt.reason,
  };
}

function toExportRecord({ image, description: d, translations }: ImageRecord, receipt: DeletionReceipt | undefined, checks: Finding[]): ExportRecord {
  const { created_at: _describedAt, ...provenance } = d?.provenance ?? { created_at: 0 };
  return {
    id: image.id,
    batch_id: image.batch_id,
    original_name: image.original_name,
    status: image.status,
    error: image.error,
    alt_text: d?.alt_text ?? null,
    caption: d?.caption ?? null,
    title: d?.title ?? null,
    description: d?.description ?? null,
    tags: d?.tags ?? [],
    filename: d?.filename ?? null,
    text: d?.text ?? null,
    decorative: d ? d.decorative : null,
    manifest: d?.manifest ?? null,
    edited: d?.edited_at != null,
    reviewed: image.reviewed_at !== null,
    created_at: new Date(image.created_at).toISOString(),
    deletion_receipt: toReceiptRecord(receipt),
    provenance: d ? (provenance as ExportRecord['provenance']) : null,
    checks,
    translations,
  };
}

/**
 * Records of one batch (undefined when it is not the user's) or of the whole library. Every exported
 * description counts as retrieved (usage), the same as one the API hands out. `approvedOnly`: a
 * workspace that requires approval publishes approved text only.
 */
export async function exportRecords(
  deps: Deps,
  userId: number,
  batchId?: string,
  only?: readonly string[],
  options: { approvedOnly?: boolean } = {},
): Promise<ExportRecord[] | undefined> {
  if (batchId && !(await findBatch(deps.db, userId, batchId))) return undefined;
  const images = await listImagesForExport(deps.db, userId, batchId, only, options.approvedOnly);
  const imageIds = images.map((image) => image.id);
  const records = toRecords(images, await descriptionsFor(deps.db, userId, imageIds), await translationsFor(deps.db, userId, imageIds));
  const receipts = await receiptsForImages(deps.db, userId, imageIds);
  await recordRetrieved(deps, userId, records.filter((r) => r.description).map((r) => r.image.id), 'web');
  const limits = await altTextLimits(deps, userId, [...new Set(images.map((image) => image.batch_id))]);
  const checks = checkResults(records.flatMap(({ image, description: d }) => (d ? [{
    key: image.id, altText: d.alt_text, decorative: d.decorative, text: d.text, fileName: image.original_name, limit: limits.get(image.batch_id),
  }] : [])));
  return records.map((record) => toExportRecord(record, receipts.get(record.image.id), checks.get(record.image.id) ?? []));
}

/** The alt text length each batch asked for, which the "too long" check measures against. */
async function altTextLimits(deps: Deps, userId: number, batchIds: string[]): Promise<Map<string, number>> {
  if (batchIds.length === 0) return new Map();
  const batches = await deps.db<BatchRow>('batches').where({ user_id: userId }).whereIn('id', batchIds).select('id', 'options_json');
  return new Map(batches.map((b) => [b.id, readStoredOptions(b.options_json).altTextLength]));
}

const TRANSLATED_FIELDS = ['alt_text', 'caption', 'title', 'description'] as const;

const CSV_HEADER = [
  'id', 'batch_id', 'original_name', 'status', 'error', 'alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text',
  'decorative', 'manifest', 'edited', 'reviewed', 'created_at', 'describer', 'model', 'prompt_version', 'input_tokens', 'output_tokens',
  'duration_ms', 'draft', 'notes', 'image_sha256', 'deleted_at', 'deletion_reason', 'checks',
];

export function recordsToCsv(records: ExportRecord[]): string {
  // One group of columns per language any record was translated into: alt_text_de, caption_de, …
  const languages = [...new Set(records.flatMap((r) => Object.keys(r.translations)))].sort();
  const translated = languages.flatMap((code) => TRANSLATED_FIELDS.map((field) => `${field}_${code}`));
  return toCsv(
    [...CSV_HEADER, ...translated],
    records.map((r) => [
      r.id, r.batch_id, r.original_name, r.status, r.error, r.alt_text, r.caption, r.title, r.description, r.tags.join(', '), r.filename,
      r.text, r.decorative, r.manifest === null ? null : JSON.stringify(r.manifest), r.edited, r.reviewed, r.created_at, r.provenance?.describer, r.provenance?.model, r.provenance?.prompt_version,
      r.provenance?.input_tokens, r.provenance?.output_tokens, r.provenance?.duration_ms, r.provenance?.draft, r.provenance?.notes.join(' | '),
      r.deletion_receipt?.image_sha256, r.deletion_receipt?.deleted_at, r.deletion_receipt?.reason, r.checks.map((c) => c.label).join(' | '),
      ...languages.flatMap((code) => TRANSLATED_FIELDS.map((field) => r.translations[code]?.[field] ?? null)),
    ]),
  );
}

export function recordsToJson(records: ExportRecord[], exportedAt: Date): string {
  return JSON.stringify({ exported_at: exportedAt.toISOString(), count: records.length, images: records }, null, 2);
}
