import { z } from 'zod';
import { DEFAULT_DESCRIBE_OPTIONS, DescribeOptions } from '../../describers/types';
import { LANGUAGE_CODES } from './languages';
import { pageLanguage } from './page-language';
import { HttpError } from '../../middleware/errors';

/** Limits on what a user can ask for; the describer caps its output to the same numbers. */
export const OPTION_LIMITS = { altTextMin: 40, altTextMax: 1000, tagsMax: 30, contextMax: 200, instructionsMax: 2000, linkTargetMax: 500, surroundingMax: 2000 };

const text = (max: number) =>
  z
    .string()
    .transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`));

/** Field names as the upload form (and the API) send them; everything optional, defaults filled in. */
const formSchema = z.object({
  // "page": the language of the text beside the images (or of the page's title and keywords).
  language: z.string().refine((code) => code === PAGE_LANGUAGE || LANGUAGE_CODES.has(code), 'is not a language we offer').optional(),
  alt_text_length: z.coerce.number().int().min(OPTION_LIMITS.altTextMin).max(OPTION_LIMITS.altTextMax).optional(),
  tag_count: z.coerce.number().int().min(0).max(OPTION_LIMITS.tagsMax).optional(),
  style: z.enum(['concise', 'descriptive', 'product']).optional(),
  context_title: text(OPTION_LIMITS.contextMax).optional(),
  context_keywords: text(OPTION_LIMITS.contextMax).optional(),
  context_product: text(OPTION_LIMITS.contextMax).optional(),
  context_brand: text(OPTION_LIMITS.contextMax).optional(),
  instructions: text(OPTION_LIMITS.instructionsMax).optional(),
  purpose: z.enum(['informative', 'linked', 'functional', 'decorative', 'complex']).optional(),
  link_target: text(OPTION_LIMITS.linkTargetMax).optional(),
  surrounding_text: text(OPTION_LIMITS.surroundingMax).optional(),
});

export const OPTION_LABELS: Record<string, string> = {
  language: 'Output language',
  alt_text_length: 'Alt text length',
  tag_count: 'Number of tags',
  style: 'Style',
  context_title: 'Page title or topic',
  context_keywords: 'Keywords',
  context_product: 'Product name',
  context_brand: 'Brand',
  instructions: 'Instructions',
  purpose: 'Purpose',
  link_target: 'Link destination or action',
  surrounding_text: 'Text next to the image',
  also_in: 'Also write in',
};

/** A bad option is the user's to fix: a 400 with the field named, on every path that takes options. */
export class OptionsError extends HttpError {
  constructor(message: string) {
    super(400, message, 'invalid_options');
  }
}

/** Parses submitted options over a base (the account's defaults); the first problem is named plainly. */
export function parseDescribeOptions(input: Record<string, unknown>, base: DescribeOptions): DescribeOptions {
  const present = Object.fromEntries(Object.entries(input).filter(([, value]) => typeof value === 'string' && value !== ''));
  const parsed = formSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? '');
    throw new OptionsError(`${OPTION_LABELS[field] ?? field}: ${issue.message}`);
  }
  const f = parsed.data;
  const context = {
    title: f.context_title || undefined,
    keywords: f.context_keywords || undefined,
    product: f.context_product || undefined,
    brand: f.context_brand || undefined,
  };
  const fromPage = f.language === PAGE_LANGUAGE ? languageOfPage(f, base.language) : undefined;
  const options: DescribeOptions = {
    language: fromPage?.language ?? (f.language && f.language !== PAGE_LANGUAGE ? f.language : base.language),
    altTextLength: f.alt_text_length ?? base.altTextLength,
    tagCount: f.tag_count ?? base.tagCount,
    style: f.style ?? base.style,
    context: Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined)),
  };
  if (f.instructions) options.instructions = f.instructions;
  const purpose = f.purpose ?? base.purpose;
  if (purpose && purpose !== 'informative') options.purpose = purpose;
  if (f.link_target) options.linkTarget = f.link_target;
  if (f.surrounding_text) options.surroundingText = f.surrounding_text;
  if (fromPage) options.languageFromPage = fromPage.found;
  const alsoIn = parseAlsoIn(input.also_in, options.language);
  if (alsoIn.length) options.alsoIn = alsoIn;
  else if (input.also_in === undefined && base.alsoIn?.length) options.alsoIn = base.alsoIn.filter((code) => code !== options.language);
  return options;
}

/** The `language` value that asks for the language of the page the images are used on. */
export const PAGE_LANGUAGE = 'page';

/**
 * "The language of the page": read from the text beside the images, else the page's title and
 * keywords. Without any, it cannot be done and the person is told; text too short or mixed to tell
 * keeps the usual language, and the batch says so.
 */
function languageOfPage(f: { surrounding_text?: string; context_title?: string; context_keywords?: string }, usual: string): { language: string; found: boolean } {
  const text = f.surrounding_text || [f.context_title, f.context_keywords].filter(Boolean).join('. ');
  if (!text) throw new OptionsError(`${OPTION_LABELS.language}: to write in the language of the page, give the text beside the images or the page's title`);
  const found = pageLanguage(text);
  return { language: found ?? usual, found: found !== undefined };
}

/** At most this many more languages per batch: each is one more model request per image. */
export const ALSO_IN_MAX = 5;

/** "de, fr" from a form, or ["de", "fr"] from the API: languages we offer, the output language left out. */
export function parseAlsoIn(value: unknown, language: string): string[] {
  if (value === undefined || value === '') return [];
  const codes = (Array.isArray(value) ? value : String(value).split(/[\s,]+/)).map((code) => String(code).trim()).filter(Boolean);
  const unknown = codes.find((code) => !LANGUAGE_CODES.has(code));
  if (unknown) throw new OptionsError(`${OPTION_LABELS.also_in}: "${unknown.slice(0, 20)}" is not a language we offer`);
  const unique = [...new Set(codes)].filter((code) => code !== language);
  if (unique.length > ALSO_IN_MAX) throw new OptionsError(`${OPTION_LABELS.also_in}: at most ${ALSO_IN_MAX} more languages`);
  return unique;
}

/** Reads stored options JSON (a batch's or an account's), falling back to the app defaults field by field. */
export function readStoredOptions(json: string | null | undefined): DescribeOptions {
  if (!json) return { ...DEFAULT_DESCRIBE_OPTIONS, context: {} };
  try {
    const stored = JSON.parse(json) as Partial<DescribeOptions>;
    return { ...DEFAULT_DESCRIBE_OPTIONS, ...stored, context: { ...(stored.context ?? {}) } };
  } catch {
    return { ...DEFAULT_DESCRIBE_OPTIONS, context: {} };
  }
}
