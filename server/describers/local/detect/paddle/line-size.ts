import type { Point, Quad } from './text-boxes';

/** A text box in image pixels, with the height its line had in the detector's input. */
export interface FoundBox {
  quad: Quad;
  detectorHeight: number;
}

/**
 * The detector draws a line's box tighter, relative to its letters, the taller the line is in the
 * detector's input: about 1.4 times the letters' height at 10 px, cutting into them from about
 * 40 px (measured on rendered slides, 16 to 93 px type). Lines taller than this are found again on
 * a smaller copy, where they are the size the detector was trained on.
 */
export const TALLEST_DETECTED_LINE = 24;

/**
 * Margins added around each box before a line is read, as shares of the line's height. The boxes
 * hug or clip the letters, and PP-OCR's recogniser reads a crop without background around its text
 * without the gaps between its words ("Quarterlyrevenuegrew"). Measured on rendered slides and
 * pages (13 to 93 px type, eight font families): lines read with every word break rose from 80 % to 94 %;
 * wider margins shrink the letters in the 48-px line until doubled narrow letters merge ("fel").
 */
const MARGIN = { vertical: 0.1, horizontal: 0.15 };

const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A line's height: the shorter side of its box (vertical text has its long side down). */
export function lineHeight(quad: Quad): number {
  return Math.min(distance(quad[0], quad[1]), distance(quad[0], quad[3]));
}

/** True when a box is too tall for the detector's boxes to be trusted (see TALLEST_DETECTED_LINE). */
export function tooTall(box: FoundBox): boolean {
  return box.detectorHeight > TALLEST_DETECTED_LINE;
}

function bounds(quad: Quad): { left: number; top: number; right: number; bottom: number } {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

function centre(quad: Quad): Point {
  return [(quad[0][0] + quad[2][0]) / 2, (quad[0][1] + quad[2][1]) / 2];
}

function contains(quad: Quad, [x, y]: Point): boolean {
  const b = bounds(quad);
  return x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;
}

/**
 * Each box that was too tall is replaced by the boxes of the same line found on the smaller copy
 * (one holds the other's centre), unless those are twice as tall: then the smaller copy merged it
 * with a neighbouring line, and the first box is kept. Boxes of the right size stay as they were.
 */
export function preferSmallerCopy(boxes: FoundBox[], smaller: FoundBox[]): FoundBox[] {
  const kept = boxes.filter((b) => !tooTall(b));
  const replacements = new Set<FoundBox>();
  for (const tall of boxes.filter(tooTall)) {
    const height = lineHeight(tall.quad);
    const same = smaller.filter(
      (s) => (contains(tall.quad, centre(s.quad)) || contains(s.quad, centre(tall.quad))) && lineHeight(s.quad) < 2 * height,
    );
    if (same.length === 0) kept.push(tall);
    for (const s of same) replacements.add(s);
  }
  return [...kept, ...replacements];
}

/** The box grown by the reading margins, along its own axes (tilted lines stay tilted). */
export function withMargin(quad: Quad): Quad {
  const [p0, p1, p2, p3] = quad;
  const width = distance(p0, p1);
  const height = distance(p0, p3);
  if (width === 0 || height === 0) return quad;
  const u: Point = [(p1[0] - p0[0]) / width, (p1[1] - p0[1]) / width];
  const v: Point = [(p3[0] - p0[0]) / height, (p3[1] - p0[1]) / height];
  const text = Math.min(width, height);
  // Read as cropLine reads it: a box 1.5 times taller than wide holds a line running down.
  const down = height >= 1.5 * width;
  const mu = text * (down ? MARGIN.vertical : MARGIN.horizontal);
  const mv = text * (down ? MARGIN.horizontal : MARGIN.vertical);
  const move = (p: Point, su: number, sv: number): Point => [p[0] + su * mu * u[0] + sv * mv * v[0], p[1] + su * mu * u[1] + sv * mv * v[1]];
  return [move(p0, -1, -1), move(p1, 1, -1), move(p2, 1, 1), move(p3, -1, 1)];
}
