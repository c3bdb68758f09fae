import type { Signals } from '../signals';
import { imageKind, readText, type ImageKind, type TextReading } from './kind';
import { selectObjects, type SceneObjects } from './objects';

/** What compose() knows about one image, derived once from the signals. */
export interface Facts {
  signals: Signals;
  scene: SceneObjects;
  text: TextReading;
  kind: ImageKind;
  /** The embedded caption when it reads as a sentence (usable as alt text). */
  embeddedSentence?: string;
  /** An embedded caption or title too short to be a description (goes into caption and title). */
  embeddedTitle?: string;
}

/**
 * Embedded "descriptions" are often titles or junk ("South Haven, Day 3", "IMG_2041", a lone space):
 * only a run of at least five real words, mostly lower case, counts as a sentence.
 */
export function readsAsSentence(text: string): boolean {
  const words = text.trim().split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
  if (words.length < 5) return false;
  const letters = text.match(/\p{L}/gu) ?? [];
  const upper = text.match(/\p{Lu}/gu) ?? [];
  if (upper.length > letters.length * 0.5) return false;
  return !/\b(IMG|DSC|DCIM)[_-]?\d+/i.test(text);
}

export function gatherFacts(signals: Signals): Facts {
  const scene = selectObjects(signals);
  const text = readText(signals, scene);
  const caption = signals.embedded.caption?.replace(/\s+/g, ' ').trim() ?? '';
  const title = signals.embedded.title?.replace(/\s+/g, ' ').trim() ?? '';
  const sentence = readsAsSentence(caption) ? caption : readsAsSentence(title) ? title : undefined;
  const shortTitle = [title, caption].find((t) => t !== '' && t !== sentence && /\p{L}{2,}/u.test(t));
  return { signals, scene, text, kind: imageKind(signals, scene, text), embeddedSentence: sentence, embeddedTitle: shortTitle };
}
