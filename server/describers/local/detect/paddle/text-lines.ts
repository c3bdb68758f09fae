import type { Quad } from './text-boxes';

export interface ReadLine {
  text: string;
  /** Mean probability of the characters read; 0 when nothing was read. */
  mean: number;
  box: Quad;
}

/**
 * Greedy CTC decoding of one line: the most likely class per time step, repeats collapsed,
 * class 0 (blank) dropped; class k is dictionary entry k-1.
 */
export function decodeLine(probs: Float32Array, steps: number, classes: number, dictionary: string[]): { text: string; mean: number } {
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    for (let k = 0, i = t * classes; k < classes; k++, i++) {
      if (probs[i] > bestP) {
        bestP = probs[i];
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += dictionary[best - 1] ?? '';
      sum += bestP;
      count++;
    }
    previous = best;
  }
  return { text, mean: count === 0 ? 0 : sum / count };
}

/** Lines read below this mean probability are noise, not text. */
const MIN_MEAN = 0.5;

/**
 * Joins boxes that sit on the same row (midlines closer than half the average box height) into
 * one line, left to right, so words the detector split come back as a sentence.
 */
export function joinRows(lines: ReadLine[]): ReadLine[] {
  const kept = lines.filter((l) => l.mean >= MIN_MEAN && l.text.trim() !== '');
  if (kept.length === 0) return [];
  const top = (l: ReadLine) => Math.min(l.box[0][1], l.box[1][1]);
  const bottom = (l: ReadLine) => Math.max(l.box[2][1], l.box[3][1]);
  const mid = (l: ReadLine) => (top(l) + bottom(l)) / 2;
  const averageHeight = kept.reduce((s, l) => s + bottom(l) - top(l), 0) / kept.length;
  const rows: ReadLine[][] = [];
  for (const line of kept) {
    const row = rows.find((r) => Math.abs(mid(r[0]) - mid(line)) < averageHeight / 2);
    if (row) row.push(line);
    else rows.push([line]);
  }
  return rows
    .map((row) => row.sort((a, b) => a.box[0][0] - b.box[0][0]))
    .sort((a, b) => top(a[0]) - top(b[0]))
    .map((row) => ({
      text: row.map((l) => l.text).join(' '),
      mean: row.reduce((s, l) => s + l.mean, 0) / row.length,
      box: [row[0].box[0], row[row.length - 1].box[1], row[row.length - 1].box[2], row[0].box[3]],
    }));
}
