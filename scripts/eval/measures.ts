/**
 * The measures of ../shared/eval/README.md: object recall and precision with plurals and synonyms
 * folded, OCR character accuracy, and characters of invented text.
 */
import { COCO_LABELS } from '../../server/describers/local/detect/coco-labels';

const COCO_SET = new Set<string>(COCO_LABELS);
export const COCO_ANIMALS = new Set(['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe']);

const SYNONYMS: Record<string, string> = {
  people: 'person', persons: 'person', man: 'person', woman: 'person', men: 'person', women: 'person', child: 'person',
  boy: 'person', girl: 'person', ball: 'sports ball', football: 'sports ball', 'tennis ball': 'sports ball',
  table: 'dining table', phone: 'cell phone', 'mobile phone': 'cell phone', smartphone: 'cell phone',
  television: 'tv', plant: 'potted plant', 'computer mouse': 'mouse', mice: 'mouse', 'computer mice': 'mouse',
  motorbike: 'motorcycle', bike: 'bicycle', plane: 'airplane', aeroplane: 'airplane', sofa: 'couch',
  doughnut: 'donut', racket: 'tennis racket', 'hair dryer': 'hair drier', 'pair of skis': 'skis', 'pairs of skis': 'skis',
  knives: 'knife', 'wine glasses': 'wine glass', buses: 'bus', benches: 'bench', sandwiches: 'sandwich',
  'hot dogs': 'hot dog', toothbrushes: 'toothbrush', couches: 'couch', 'teddy bears': 'teddy bear', glass: 'wine glass',
  'orange fruit': 'orange', oranges: 'orange',
};

/** Folds a tag to a COCO class name ("people" → "person", "balls" → "sports ball"), or undefined. */
export function foldObject(tag: string): string | undefined {
  const t = tag.toLowerCase().trim();
  // A plain "orange" tag is the colour; the describer calls the fruit "orange fruit".
  if (t === 'orange') return undefined;
  for (const candidate of [t, t.replace(/es$/, ''), t.replace(/s$/, '')]) {
    if (COCO_SET.has(candidate)) return candidate;
    if (SYNONYMS[candidate]) return SYNONYMS[candidate];
  }
  return undefined;
}

export interface Label {
  category: string;
  coco: string[];
  coco_ok: string[];
  other_objects: string[];
  text: string;
  text_minor: string;
  description: string;
}

export interface ObjectScore {
  named: string[];
  found: string[];
  missed: string[];
  wrong: string[];
}

/**
 * Scores the objects a description names. "animal" (the describer's hedge when the species is
 * uncertain) is right when an animal is there, and never adds to recall.
 */
export function scoreObjects(tags: string[], label: Label): ObjectScore {
  const named = [...new Set(tags.map((t) => (t.toLowerCase() === 'animal' || t.toLowerCase() === 'animals' ? 'animal' : foldObject(t))).filter((t): t is string => t !== undefined))];
  const allowed = new Set([...label.coco, ...label.coco_ok, ...label.other_objects.map((o) => foldObject(o) ?? o)]);
  const animalThere = [...label.coco, ...label.coco_ok].some((c) => COCO_ANIMALS.has(c));
  const wrong = named.filter((n) => (n === 'animal' ? !animalThere : !allowed.has(n)));
  return {
    named,
    found: label.coco.filter((c) => named.includes(c)),
    missed: label.coco.filter((c) => !named.includes(c)),
    wrong,
  };
}

export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Levenshtein distance over UTF-16 code units, two rows of memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Character errors against the reference text, after lower-casing and collapsing white space. */
export function characterErrors(predicted: string, reference: string): { errors: number; length: number } {
  const ref = normaliseText(reference);
  return { errors: editDistance(normaliseText(predicted), ref), length: ref.length };
}

/**
 * The alt text's main noun: the first word (or two-word name) that names an object class, or
 * "animal"; undefined when it names none (a scene, a document, colours).
 */
export function mainNoun(altText: string): string | undefined {
  // Text quoted from the image is what it says, not what it shows.
  const own = altText.replace(/“[^”]*”|"[^"]*"/g, ' ');
  const words = own.toLowerCase().match(/[a-z]+/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    const pair = i + 1 < words.length ? foldObject(`${words[i]} ${words[i + 1]}`) : undefined;
    if (pair) return pair;
    if (words[i] === 'animal' || words[i] === 'animals') return 'animal';
    const one = foldObject(words[i]!);
    if (one) return one;
  }
  return undefined;
}

/** The main noun when it is not in the image ("wrong subject"), else undefined. */
export function wrongSubject(altText: string, label: Label): string | undefined {
  const noun = mainNoun(altText);
  if (!noun) return undefined;
  return scoreObjects([noun], label).wrong[0];
}
