import path from 'node:path';
import { z } from 'zod';
import Ajv, { type ValidateFunction } from 'ajv';
import { DescriberError, type DescribeOptions, type Description, type PatternSpec } from './types';

/** Caps on every field a model returns: its text is untrusted and must fit the columns and the pages. */
export const FIELD_LIMITS = Object.freeze({
  caption: 500,
  title: 200,
  description: 4000,
  tag: 50,
  filename: 80,
  text: 4000,
  maxTags: 50,
});

const STANDARD_FIELDS = ['alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative'] as const;

/** The JSON Schema sent for structured output (strict mode: every key required, nothing extra). */
export function outputSchema(pattern?: PatternSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    alt_text: { type: 'string', description: 'Alt text within the character limit; "" when decorative' },
    caption: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    filename: { type: 'string', description: 'lowercase-slug-without-extension' },
    text: { type: 'string', description: 'Text visible in the image, "" if none' },
    decorative: { type: 'boolean' },
  };
  if (pattern) properties.manifest = pattern.schema;
  return {
    type: 'object',
    additionalProperties: false,
    required: [...STANDARD_FIELDS, ...(pattern ? ['manifest'] : [])],
    properties,
  };
}

// Lenient on shape where a JSON-mode server may drift (missing optional fields, tags as one string),
// strict on types that would mean the answer is something else entirely.
const answerSchema = z.object({
  alt_text: z.string(),
  caption: z.string().default(''),
  title: z.string().default(''),
  description: z.string().default(''),
  tags: z.union([z.array(z.string()), z.string().transform((s) => s.split(','))]).default([]),
  filename: z.string().default(''),
  text: z.string().default(''),
  decorative: z.boolean().default(false),
  manifest: z.unknown().optional(),
});

const INVALID = 'The model answered in a form Sightline could not use';

/** Parses the model's message into the standard fields, capped; throws a retryable DescriberError otherwise. */
export function parseAnswer(
  content: string,
  options: DescribeOptions,
  originalName: string,
): Omit<Description, 'provenance'> {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(content));
  } catch {
    throw new DescriberError(`${INVALID} (not JSON).`, true);
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) throw new DescriberError(`${INVALID} (${parsed.error.issues[0]?.path.join('.') || 'answer'} is wrong).`, true);
  const a = parsed.data;
  const manifest = options.pattern ? checkManifest(options.pattern, a.manifest) : null;
  const title = cap(a.title, FIELD_LIMITS.title);
  return {
    alt_text: a.decorative && !a.alt_text.trim() ? '' : truncateAtWord(clean(a.alt_text), options.altTextLength),
    caption: cap(a.caption, FIELD_LIMITS.caption),
    title,
    description: cap(a.description, FIELD_LIMITS.description),
    tags: normaliseTags(a.tags, Math.min(options.tagCount, FIELD_LIMITS.maxTags)),
    filename: fileNameFor(a.filename || title || a.alt_text, originalName),
    text: cap(a.text, FIELD_LIMITS.text),
    decorative: a.decorative,
    manifest,
  };
}

/** Cuts at the last word boundary within `limit` characters (an ellipsis would cost a character). */
export function truncateAtWord(text: string, limit: number): string {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  const head = chars.slice(0, limit + 1).join('');
  const boundary = head.search(/\s\S*$/);
  const cut = boundary > 0 ? head.slice(0, boundary) : '';
  // A single very long word (or a script without spaces) is cut at the limit instead.
  const result = Array.from(cut).length > limit * 0.5 ? cut : chars.slice(0, limit).join('');
  return result.replace(/[\s,;:–—-]+$/u, '');
}

/** A lowercase ASCII slug plus the extension of the file the user uploaded. */
export function fileNameFor(text: string, originalName: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[ßæœøłđþ]/g, (c) => LATIN_FOLDS[c] ?? '')
    .replace(/\.[a-z0-9]{2,4}$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, FIELD_LIMITS.filename)
    .replace(/-+$/, '');
  const ext = path.extname(originalName).toLowerCase().replace(/^\./, '');
  const known = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff'];
  return `${slug || 'image'}.${known.includes(ext) ? ext : 'jpg'}`;
}

// Letters NFKD does not split into a base letter and a mark.
const LATIN_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

function normaliseTags(tags: string[], count: number): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = cap(tag.toLowerCase(), FIELD_LIMITS.tag);
    if (t && !seen.has(t)) seen.add(t);
    if (seen.size >= count) break;
  }
  return [...seen];
}

/** Control characters are dropped; everything else (HTML included) stays text for the views to escape. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

function cap(text: string, limit: number): string {
  return Array.from(clean(text)).slice(0, limit).join('');
}

function stripFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(content);
  return fenced ? fenced[1] : content;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction>();

function checkManifest(pattern: PatternSpec, manifest: unknown): Record<string, unknown> {
  const key = `${pattern.id}@${pattern.version}`;
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(pattern.schema);
    } catch {
      throw new DescriberError(`The pattern "${pattern.name}" has a schema that cannot be used.`, false);
    }
    compiled.set(key, validate);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest) || !validate(manifest)) {
    throw new DescriberError(`${INVALID} (the manifest does not fit the pattern "${pattern.name}").`, true);
  }
  return manifest as Record<string, unknown>;
}
