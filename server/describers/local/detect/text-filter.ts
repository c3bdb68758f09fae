import type { TextLine } from '../signals';

/** PaddleOCR's mean character probability below which a line is mostly guesswork (prototype, notes §6). */
export const MIN_LINE_CONFIDENCE = 0.8;

/**
 * Keeps a line only when it looks like words: enough letters or digits, mostly alphanumeric, and
 * either a run of letters or a number. Textures (foliage, fur, brick) read as short symbol soup.
 */
export function isReadable(line: TextLine, minConfidence = MIN_LINE_CONFIDENCE): boolean {
  if (line.confidence < minConfidence) return false;
  const compact = line.text.replace(/\s+/g, '');
  const alnum = compact.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  if (alnum < 3 || alnum / compact.length < 0.6) return false;
  return /\p{L}{3,}/u.test(compact) || /\p{N}{3,}/u.test(compact);
}

/** Sorts lines top to bottom, then left to right within a row (rows overlap by half a line height). */
export function readingOrder(lines: TextLine[]): TextLine[] {
  return [...lines].sort((a, b) => {
    const rowGap = Math.min(a.box[3], b.box[3]) / 2;
    const dy = a.box[1] + a.box[3] / 2 - (b.box[1] + b.box[3] / 2);
    if (Math.abs(dy) > rowGap) return dy;
    return a.box[0] - b.box[0];
  });
}

/** Total alphanumeric characters, used to pick the best rotation. */
export function readableWeight(lines: TextLine[]): number {
  return lines.reduce((sum, l) => sum + (l.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) * l.confidence, 0);
}
