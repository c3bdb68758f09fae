import type { Signals, TextLine } from '../signals';
import type { SceneObjects } from './objects';

export type ImageKind = 'photo' | 'black-and-white photo' | 'screenshot' | 'document';

export interface TextReading {
  lines: TextLine[];
  /** All readable text, one line per line. */
  full: string;
  /** Share of the image covered by text boxes. */
  coverage: number;
  /** Prominent enough to mention in the alt text. */
  salient: boolean;
  /** The text is the subject (posters, packaging, signs), ahead of any object. */
  leads: boolean;
}

/** Rules from the prototype (notes §6), kept as named constants so the evaluation can move them. */
const GREYSCALE_CHROMA = 0.015;
const PROSE_LINE_CHARS = 35;
const SCREENSHOT_FLATNESS = 0.3;
const SALIENT_TEXT_COVERAGE = 0.02;
const LEADING_TEXT_COVERAGE = 0.1;
const SALIENT_TEXT_CONFIDENCE = 0.9;
/**
 * Text covering less than this share of the frame in all (a 25×10 px label in a 1-MP photo) is
 * incidental: a phone number on a bag, a badge. Nobody looking at the image would read it, so it
 * is not reported as the image's text.
 */
const INCIDENTAL_TEXT_COVERAGE = 0.0025;

export function readText(signals: Signals, objects: SceneObjects): TextReading {
  const read = signals.text.lines;
  const coverage = Math.min(1, read.reduce((sum, l) => sum + l.box[2] * l.box[3], 0));
  const lines = coverage < INCIDENTAL_TEXT_COVERAGE ? [] : read;
  const largestObject = Math.max(0, ...objects.subjects.map((s) => s.box[2] * s.box[3]));
  const confidence = lines.reduce((sum, l) => sum + l.confidence * l.text.length, 0) / Math.max(1, characters(lines));
  // A short word read at the edge of the OCR filter is often a misread logo: keep it out of the alt text.
  const salient = coverage >= SALIENT_TEXT_COVERAGE && characters(lines) >= 4 && confidence >= SALIENT_TEXT_CONFIDENCE;
  return {
    lines,
    full: lines.map((l) => l.text).join('\n'),
    coverage,
    salient,
    leads: salient && coverage >= LEADING_TEXT_COVERAGE && coverage > largestObject,
  };
}

export function characters(lines: TextLine[]): number {
  return lines.reduce((sum, l) => sum + l.text.replace(/\s/g, '').length, 0);
}

export function imageKind(signals: Signals, objects: SceneObjects, text: TextReading): ImageKind {
  const prose = text.lines.filter((l) => l.text.length >= PROSE_LINE_CHARS).length;
  if (prose >= 3 && prose >= text.lines.length * 0.4) return 'document';
  const classes = objects.subjects.length;
  if (characters(text.lines) >= 20 && signals.stats.flatness >= SCREENSHOT_FLATNESS && objects.people === 0 && classes <= 1) {
    return 'screenshot';
  }
  if (signals.stats.meanChroma < GREYSCALE_CHROMA) return 'black-and-white photo';
  return 'photo';
}
