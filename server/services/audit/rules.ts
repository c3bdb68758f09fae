/**
 * Checks on alt text, each with a reason a person understands (issue: audit). Pure functions over the
 * text and what is known of the image, so generated, edited and imported alt text get the same checks.
 */
export interface AltTextFacts {
  altText: string;
  /** Marked decorative (alt=""). */
  decorative: boolean;
  /** The length the batch asked for; over it is flagged. */
  limit: number;
  /** Text read in the image (OCR), "" when none. */
  imageText?: string;
  /** The uploaded file's name, to spot alt text that merely repeats it. */
  fileName?: string;
}

export interface Finding {
  rule: string;
  /** A short label for lists and flags. */
  label: string;
  /** Why it matters, in plain words. */
  message: string;
}

/** Every check, by its id, with the short label lists and flags show. */
export const RULE_LABELS = {
  decorative_with_text: 'Decorative, has text',
  empty: 'Empty',
  file_name: 'File name',
  generic: 'Generic word',
  preamble: 'Starts with “image of”',
  too_long: 'Too long',
  too_short: 'Too short',
  keyword_stuffing: 'Keywords',
  all_capitals: 'All capitals',
  url: 'Web address',
  missing_text: 'Text not mentioned',
  duplicate: 'Same as another',
} as const;
export type RuleId = keyof typeof RULE_LABELS;

const IMAGE_EXTENSION = /\.(jpe?g|png|gif|webp|avif|tiff?|bmp|heic|svg)\b/i;
const CAMERA_NAME = /^(img|dsc|dscn|dcim|pxl|photo|image|screenshot|screen shot)[\s_-]*\d/i;
const PREAMBLE = /^(an? )?(image|picture|photo|photograph|graphic|pic) (of|showing|shows|depicting)\b/i;
/** Alt text that is only a word for "an image", which tells a listener nothing they do not know. */
const GENERIC = /^(an? |the )?(image|picture|photo|photograph|graphic|pic|img|icon|banner|placeholder|untitled|thumbnail)s?\.?$/i;
const URL = /\b(https?:\/\/|www\.)\S+/i;
const STOPWORDS = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'with', 'for', 'by', 'is', 'are', 'its', 'it', 'from', 'as']);

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function looksLikeFileName(alt: string, fileName?: string): boolean {
  const trimmed = alt.trim();
  if (IMAGE_EXTENSION.test(trimmed) || CAMERA_NAME.test(trimmed)) return true;
  if (!fileName) return false;
  const stem = fileName.replace(/\.[^.]*$/, '').toLowerCase();
  return stem.length > 2 && trimmed.toLowerCase().replace(/[\s_-]+/g, '') === stem.replace(/[\s_-]+/g, '');
}

/** A keyword list ("dog, dog toy, puppy, pet, cute dog") or one keyword said over and over. */
function looksStuffed(alt: string): boolean {
  const parts = alt.split(/[,;|]/).map((p) => p.trim()).filter(Boolean);
  if (parts.length >= 4 && parts.every((p) => words(p).length <= 3)) return true;
  const counts = new Map<string, number>();
  for (const w of words(alt)) if (!STOPWORDS.has(w) && w.length > 2) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.values()].some((n) => n >= 3);
}

function shouting(alt: string): boolean {
  const letters = alt.replace(/[^\p{L}]/gu, '');
  if (letters.length < 8) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length > 0.8;
}

/** Words of the image's own text (4 letters or more) that the alt text does not mention at all. */
function missesTranscription(alt: string, imageText: string): boolean {
  const significant = words(imageText).filter((w) => w.length >= 4);
  if (significant.length === 0) return false;
  const said = new Set(words(alt));
  return !significant.some((w) => said.has(w));
}

/** Every check that one alt text fails, in a fixed order. */
export function checkAltText(facts: AltTextFacts): Finding[] {
  const alt = facts.altText.trim();
  const imageText = (facts.imageText ?? '').trim();
  const found: Finding[] = [];
  const add = (rule: Exclude<RuleId, 'duplicate'>, message: string) => found.push({ rule, label: RULE_LABELS[rule], message });
  if (facts.decorative) {
    if (imageText) add('decorative_with_text', 'Marked decorative, but the image holds text a reader would miss.');
    return found;
  }
  if (alt === '') {
    add('empty', 'No alt text for an image that carries information: screen readers say nothing, or read the file name.');
    return found;
  }
  if (looksLikeFileName(alt, facts.fileName)) add('file_name', 'Reads like a file name, which tells a listener nothing about the picture.');
  if (GENERIC.test(alt)) add('generic', 'Only says it is an image, which screen readers announce already: say what it shows.');
  if (PREAMBLE.test(alt)) add('preamble', 'Starts with “image of” or similar: screen readers already announce an image.');
  if (alt.length > facts.limit) add('too_long', `Longer than the ${facts.limit} characters asked for: put detail in the long description.`);
  if (alt.length < 5) add('too_short', 'Under 5 characters: too short to say what the image shows.');
  if (looksStuffed(alt)) add('keyword_stuffing', 'A list of keywords or a repeated keyword: write a sentence for people, not for search engines.');
  if (shouting(alt)) add('all_capitals', 'Written in capitals, which some screen readers spell out letter by letter.');
  if (URL.test(alt)) add('url', 'Holds a web address, which is read out character by character; say where it leads instead.');
  if (imageText && missesTranscription(alt, imageText)) add('missing_text', 'The image holds text that the alt text does not mention.');
  return found;
}

/**
 * The checks of several images at once, adding the one that needs them all: the same alt text on
 * different images (each then fails to tell them apart). `elsewhere`: the alt text of images not
 * checked here that still count (the rest of a batch whose one page is shown).
 */
export function checkAltTexts<K>(items: { key: K; facts: AltTextFacts }[], elsewhere: readonly string[] = []): Map<K, Finding[]> {
  const byText = new Map<string, number>();
  const count = (altText: string) => {
    const text = altText.trim().toLowerCase();
    if (text) byText.set(text, (byText.get(text) ?? 0) + 1);
  };
  for (const { facts } of items) if (!facts.decorative) count(facts.altText);
  for (const altText of elsewhere) count(altText);
  const result = new Map<K, Finding[]>();
  for (const { key, facts } of items) {
    const findings = checkAltText(facts);
    const text = facts.altText.trim().toLowerCase();
    if (text && !facts.decorative && (byText.get(text) ?? 0) > 1) {
      findings.push({ rule: 'duplicate', label: RULE_LABELS.duplicate, message: 'The same alt text is on another image: say what makes this one different.' });
    }
    result.set(key, findings);
  }
  return result;
}
