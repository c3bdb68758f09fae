import type { EmbeddedText } from '../types';

/** A box in image-relative units (0..1): left, top, width, height. */
export type RelativeBox = [number, number, number, number];

export interface DetectedObject {
  /** A COCO-80 class name, e.g. "person", "sports ball". */
  label: string;
  score: number;
  box: RelativeBox;
  /** Which pass found it: the image as given or its mirror image (test-time augmentation). */
  pass: 'direct' | 'mirrored';
}

export interface DetectedFace {
  score: number;
  box: RelativeBox;
  /** Probability of the "happy" expression; the only face attribute the text may use. */
  smile: number;
}

export interface TextLine {
  text: string;
  confidence: number;
  box: RelativeBox;
}

export interface TextSignals {
  engine: 'paddleocr' | 'tesseract' | 'none';
  /** Rotation (degrees clockwise) under which the lines were read; 0 unless the retry won. */
  rotation: 0 | 90 | 270;
  /** Lines that passed the confidence filters, in reading order. */
  lines: TextLine[];
  /** Lines the detector found before filtering; a hint that there is some unreadable text. */
  rawLineCount: number;
  /** Text regions the detector found; recognition ran on each of them and nowhere else. */
  regions?: number;
}

export interface ColourShare {
  /** A plain colour word ("blue", "dark green" is reduced to "green"). */
  name: string;
  share: number;
}

export interface ImageStats {
  width: number;
  height: number;
  /** Colour words ordered by their share of the pixels (only those over 3 %). */
  colours: ColourShare[];
  /** Mean chroma 0..1; near 0 for black-and-white images. */
  meanChroma: number;
  /** Share of the two most common quantised colours: high for screenshots and flat graphics. */
  flatness: number;
  /** Share of sky-blue pixels in the top quarter. */
  skyShare: number;
  /** Share of green vegetation-like pixels. */
  greenShare: number;
  /** Mean luminance 0..1. */
  luminance: number;
  hasAlpha: boolean;
}

/** Everything the detectors saw in one image; compose() turns it into text. Plain JSON. */
export interface Signals {
  originalName: string;
  embedded: EmbeddedText;
  stats: ImageStats;
  objects: DetectedObject[];
  /** Whether the detector also ran on the mirror image (only when the first pass had borderline boxes). */
  mirroredPass: boolean;
  faces: DetectedFace[];
  text: TextSignals;
  /** Milliseconds per stage, for benchmarks and provenance. */
  timings: Record<string, number>;
}
