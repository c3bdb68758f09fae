import type { ImageRow } from '../../db/images';
import type { DescriptionRow } from '../../db/descriptions';
import type { Description, EmbeddedText, TranslatedText } from '../../describers/types';

/** Where a text came from, as pages, the API and exports show it. */
export interface ProvenanceView {
  describer: string;
  model: string;
  prompt_version: string;
  input_tokens: number | null;
  output_tokens: number | null;
  duration_ms: number;
  draft: boolean;
  notes: string[];
}

/** A description as pages and exports show it: parsed JSON, real booleans, provenance grouped. */
export interface DescriptionView extends Omit<Description, 'provenance'> {
  edited_at: number | null;
  provenance: ProvenanceView & { created_at: number };
}

export interface ImageRecord {
  image: ImageRow;
  description: DescriptionView | null;
  embedded: EmbeddedText;
  /** The text in more languages, by code (empty without any). */
  translations: Record<string, TranslatedText>;
}

function parseJson<T>(json: string | null, fallback: T): T {
  if (!json) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function toDescriptionView(row: DescriptionRow): DescriptionView {
  return {
    alt_text: row.alt_text,
    caption: row.caption,
    title: row.title,
    description: row.description,
    tags: strings(parseJson(row.tags_json, [])),
    filename: row.filename,
    text: row.text,
    decorative: Boolean(row.decorative),
    manifest: parseJson<Record<string, unknown> | null>(row.manifest_json, null),
    edited_at: row.edited_at,
    provenance: {
      describer: row.describer,
      model: row.model,
      prompt_version: row.prompt_version,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      duration_ms: row.duration_ms,
      draft: Boolean(row.draft),
      notes: strings(parseJson(row.notes_json, [])),
      created_at: row.created_at,
    },
  };
}

export function toRecords(images: ImageRow[], descriptions: Map<string, DescriptionRow>, translations = new Map<string, Record<string, TranslatedText>>()): ImageRecord[] {
  return images.map((image) => {
    const row = descriptions.get(image.id);
    return {
      image,
      description: row ? toDescriptionView(row) : null,
      embedded: parseJson<EmbeddedText>(image.embedded_json, {}),
      translations: row ? (translations.get(image.id) ?? {}) : {},
    };
  });
}
