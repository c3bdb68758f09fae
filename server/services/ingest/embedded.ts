import exifr from 'exifr';
import type { EmbeddedText } from '../../describers/types';

/**
 * Caption, title and keywords a photographer or CMS wrote into the file (XMP, IPTC, EXIF),
 * kept as context text for the describer. Location and camera tags are never read here.
 */
const PARSE_OPTIONS: NonNullable<Parameters<typeof exifr.parse>[1]> = {
  tiff: true,
  exif: false,
  gps: false,
  interop: false,
  ifd1: false,
  makerNote: false,
  userComment: false,
  xmp: true,
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: true,
};

const LIMITS = { altText: 1000, caption: 1000, title: 300, keyword: 100, keywords: 30 };

type Tags = Record<string, unknown>;

export async function readEmbeddedText(bytes: Buffer): Promise<EmbeddedText> {
  let tags: Tags | undefined;
  try {
    tags = (await exifr.parse(bytes, PARSE_OPTIONS)) as Tags | undefined;
  } catch {
    return {};
  }
  if (!tags) return {};
  const altText = firstText(tags, ['AltTextAccessibility'], LIMITS.altText);
  const caption = firstText(tags, ['description', 'Caption', 'ImageDescription', 'XPComment'], LIMITS.caption);
  const title = firstText(tags, ['title', 'ObjectName', 'Headline', 'XPTitle'], LIMITS.title);
  const keywords = keywordList(tags);
  const found: EmbeddedText = {};
  if (altText) found.altText = altText;
  if (caption) found.caption = caption;
  if (title) found.title = title;
  if (keywords.length > 0) found.keywords = keywords;
  return found;
}

function firstText(tags: Tags, names: string[], max: number): string | undefined {
  for (const name of names) {
    const text = clean(textOf(tags[name]), max);
    if (text) return text;
  }
  return undefined;
}

function keywordList(tags: Tags): string[] {
  for (const name of ['subject', 'Keywords', 'XPKeywords']) {
    const value = tags[name];
    const items = Array.isArray(value) ? value.map(textOf) : textOf(value).split(/[;,]/);
    const keywords = [...new Set(items.map((item) => clean(item, LIMITS.keyword)).filter(Boolean))] as string[];
    if (keywords.length > 0) return keywords.slice(0, LIMITS.keywords);
  }
  return [];
}

/**
 * XMP language alternatives arrive as { lang, value }, or a list of them when the file holds more
 * than one language (the x-default one is taken, else the first); EXIF XP* tags as strings.
 */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const byDefault = value.find((item) => item && typeof item === 'object' && (item as { lang?: unknown }).lang === 'x-default');
    return value.length > 0 ? textOf(byDefault ?? value[0]) : '';
  }
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'value' in value) return textOf((value as { value: unknown }).value);
  return '';
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };

function clean(text: string, max: number): string | undefined {
  const plain = text
    .replace(/&(lt|gt|amp|quot|apos);/g, (entity) => ENTITIES[entity])
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain ? plain.slice(0, max) : undefined;
}
