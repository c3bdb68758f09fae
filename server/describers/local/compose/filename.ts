import type { Facts } from './facts';
import type { AltSource } from './alt-text';
import { mainColours, settingPhrase } from './phrases';
import { noun } from './vocabulary';

const MAX_SLUG = 60;
const KNOWN_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff', 'heic', 'heif']);
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'to', 'for', 'with', 'by', 'from', 'is', 'are', 'its', 'it',
  'this', 'that', 'as', 'into', 'over', 'under', 'their', 'his', 'her',
]);

function slugWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w));
}

/** Keeps whole words while the slug fits. */
function joinSlug(words: string[]): string {
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  return slug;
}

export function extensionOf(originalName: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(originalName)?.[1]?.toLowerCase();
  return ext && KNOWN_EXTENSIONS.has(ext) ? ext : 'jpg';
}

/** An SEO file name: the embedded description, or kind + objects + leading text words + setting. */
export function writeFilename(facts: Facts, source: AltSource): string {
  let words: string[];
  if (facts.embeddedSentence) {
    words = slugWords(facts.embeddedSentence);
  } else {
    const kind = source === 'screenshot' ? ['screenshot'] : source === 'document' ? ['document'] : [];
    const objects = facts.scene.subjects.slice(0, 3).flatMap((s) => slugWords(noun(s.label, s.label === 'person' ? s.count : 1)));
    const text = facts.text.salient ? slugWords(facts.text.lines.map((l) => l.text).join(' ')).slice(0, 4) : [];
    const setting = settingPhrase(facts.signals.stats) === 'under a blue sky' ? ['sky'] : [];
    words = [...kind, ...objects, ...text, ...setting];
    if (words.length === 0) words = [...mainColours(facts.signals.stats, 2), 'image'];
  }
  const slug = joinSlug([...new Set(words)]) || 'image';
  return `${slug}.${extensionOf(facts.signals.originalName)}`;
}
