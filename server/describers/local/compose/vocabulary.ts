/** Friendlier nouns for COCO class names in text: [singular, plural]. Unlisted classes add "s". */
const NOUNS: Record<string, [string, string]> = {
  person: ['person', 'people'],
  'sports ball': ['ball', 'balls'],
  'dining table': ['table', 'tables'],
  'potted plant': ['potted plant', 'potted plants'],
  'cell phone': ['phone', 'phones'],
  tv: ['television', 'televisions'],
  mouse: ['computer mouse', 'computer mice'],
  sheep: ['sheep', 'sheep'],
  skis: ['pair of skis', 'pairs of skis'],
  bus: ['bus', 'buses'],
  couch: ['couch', 'couches'],
  bench: ['bench', 'benches'],
  sandwich: ['sandwich', 'sandwiches'],
  'wine glass': ['wine glass', 'wine glasses'],
  knife: ['knife', 'knives'],
  'hot dog': ['hot dog', 'hot dogs'],
  'hair drier': ['hair dryer', 'hair dryers'],
  toothbrush: ['toothbrush', 'toothbrushes'],
  'teddy bear': ['teddy bear', 'teddy bears'],
  'baseball bat': ['baseball bat', 'baseball bats'],
  'tennis racket': ['tennis racket', 'tennis rackets'],
  // "orange" alone reads as the colour in tags and file names.
  orange: ['orange fruit', 'oranges'],
  animal: ['animal', 'animals'],
  vehicle: ['vehicle', 'vehicles'],
};

export function noun(label: string, count = 1): string {
  const pair = NOUNS[label];
  if (pair) return count === 1 ? pair[0] : pair[1];
  return count === 1 ? label : `${label}s`;
}

/** Animals: BlazeFace also fires on their faces, and CenterNet confuses species at close range. */
export const ANIMALS = new Set(['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe']);

/** Road vehicles CenterNet mixes up with each other (a van is a car to one pass and a truck to the other). */
export const VEHICLES = new Set(['car', 'truck', 'bus']);

/** Things worn or carried: inside a person's box they need less evidence than free-standing objects. */
export const WORN = new Set(['tie', 'backpack', 'handbag', 'umbrella']);

/** Classes that are small in almost any photo, so a small box is not a sign of a background speck. */
export const SMALL_BY_NATURE = new Set([
  'sports ball', 'cell phone', 'tie', 'kite', 'remote', 'mouse', 'toothbrush', 'fork', 'knife', 'spoon',
  'scissors', 'wine glass', 'cup',
]);

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "a dog", "two dogs", "several people", "a group of 14 people" would over-claim: past ten say "many". */
export function counted(label: string, count: number): string {
  const word = noun(label, count);
  if (count === 1) return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
  if (count <= 5) return `${NUMBER_WORDS[count]} ${word}`;
  return count <= 10 ? `several ${word}` : `many ${word}`;
}

/** "a, b and c" */
export function listed(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
