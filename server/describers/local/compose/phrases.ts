import type { ImageStats, RelativeBox } from '../signals';
import type { SceneObjects, Subject } from './objects';
import { counted, listed } from './vocabulary';

/** At most this many kinds of object in one alt text; the rest go to the caption and tags. */
const MAX_SUBJECTS_IN_ALT = 3;
/** Face box share of the image from which a single-person photo reads as a portrait. */
export const PORTRAIT_FACE_AREA = 0.04;

export function subjectPhrase(subject: Subject, scene: SceneObjects): string {
  const phrase = counted(subject.label, subject.count);
  if (subject.label !== 'person' || !scene.smiling) return phrase;
  return phrase.replace(/^(an?|two|three|four|five|several|many) /, (m, w: string) => (w === 'an' || w === 'a' ? 'a smiling ' : `${w} smiling `));
}

/** "a smiling person, a tennis racket and a ball"; in a portrait, "a smiling person with a donut". */
export function subjectsPhrase(scene: SceneObjects, limit = MAX_SUBJECTS_IN_ALT): string {
  const phrases = scene.subjects.slice(0, limit).map((s) => subjectPhrase(s, scene));
  if (framing(scene) === 'Portrait of' && phrases.length > 1) return `${phrases[0]} with ${listed(phrases.slice(1))}`;
  return listed(phrases);
}

/** Framing words from the main subject's size: close-ups and portraits read differently from scenes. */
export function framing(scene: SceneObjects): string | undefined {
  const main = scene.subjects[0];
  if (!main || main.count !== 1) return undefined;
  const area = main.box[2] * main.box[3];
  // A portrait shows the face large; a big body box alone is usually an action shot.
  if (main.label === 'person') return scene.largestFace >= PORTRAIT_FACE_AREA ? 'Portrait of' : undefined;
  return area >= 0.6 ? 'Close-up of' : undefined;
}

/** One honest setting phrase from colour statistics, or none. */
export function settingPhrase(stats: ImageStats): string | undefined {
  if (stats.skyShare >= 0.3) return 'under a blue sky';
  if (stats.greenShare >= 0.3) return 'among greenery';
  if (stats.luminance < 0.18) return 'in dim light';
  return undefined;
}

/** The main colour words: chromatic colours first, neutrals only when they dominate. */
export function mainColours(stats: ImageStats, limit = 2): string[] {
  const neutral = new Set(['grey', 'black', 'white']);
  const picked = stats.colours.filter((c) => (neutral.has(c.name) ? c.share >= 0.25 : c.share >= 0.08));
  return picked.slice(0, limit).map((c) => c.name);
}

export function position(box: RelativeBox): string {
  const cx = box[0] + box[2] / 2;
  if (box[2] >= 0.6) return 'across the frame';
  if (cx < 0.36) return 'on the left';
  if (cx > 0.64) return 'on the right';
  return 'in the centre';
}
