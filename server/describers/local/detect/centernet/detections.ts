/**
 * CenterNet's own decoding, done in plain code on the two maps the network outputs (the graph's
 * tail and Human's post-processing, step for step): a class heatmap peak is an object centre, the
 * size map at that cell gives the box, and overlapping boxes are then suppressed.
 */

export interface DecodeOptions {
  /** Square network input size in pixels. */
  inputSize: number;
  /** Input pixels per cell of the output maps. */
  stride: number;
  /** Peaks kept before suppression. */
  topK: number;
  /** Scores at or below this are dropped. */
  minScore: number;
  maxDetected: number;
  /** Boxes overlapping a better one by this much or more are dropped. */
  iouThreshold: number;
}

export interface Detection {
  classIndex: number;
  /** Truncated to two decimals, as Human reports it. */
  score: number;
  /** x, y, width, height relative to the network input. */
  box: [number, number, number, number];
}

/**
 * @param heatmap NHWC [size, size, classes] sigmoid scores
 * @param sizes NHWC [size, size, 4]: distances from the centre to the left, top, right and bottom edges
 */
export function decodeDetections(heatmap: Float32Array, sizes: Float32Array, mapSize: number, classes: number, o: DecodeOptions): Detection[] {
  // Peaks: cells equal to the maximum of their 3×3 neighbourhood in the same class (the graph's MaxPool + Equal).
  const peaks: Array<{ index: number; score: number }> = [];
  for (let index = 0; index < heatmap.length; index++) {
    const score = heatmap[index];
    if (score <= o.minScore) continue;
    const c = index % classes;
    const cell = (index - c) / classes;
    const x = cell % mapSize;
    const y = (cell - x) / mapSize;
    let peak = true;
    for (let dy = -1; dy <= 1 && peak; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= mapSize || ny >= mapSize) continue;
        if (heatmap[(ny * mapSize + nx) * classes + c] > score) {
          peak = false;
          break;
        }
      }
    }
    if (peak) peaks.push({ index, score });
  }
  // TopK, sorted by score; ties keep the lower index first.
  peaks.sort((a, b) => b.score - a.score || a.index - b.index);
  const boxes = peaks.slice(0, o.topK).map(({ index, score }) => {
    const c = index % classes;
    const cell = (index - c) / classes;
    const cx = (cell % mapSize) * o.stride;
    const cy = Math.floor(cell / mapSize) * o.stride;
    const [left, top, right, bottom] = sizes.subarray(cell * 4, cell * 4 + 4);
    return { classIndex: c, score, x1: cx - left, y1: cy - top, x2: cx + right, y2: cy + bottom };
  });
  const kept = suppress(boxes, o.maxDetected, o.iouThreshold);
  return kept.map((b) => {
    const x = b.x1 / o.inputSize;
    const y = b.y1 / o.inputSize;
    return { classIndex: b.classIndex, score: Math.trunc(100 * b.score) / 100, box: [x, y, b.x2 / o.inputSize - x, b.y2 / o.inputSize - y] };
  });
}

interface Box {
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Greedy non-maximum suppression over boxes already sorted by score (TensorFlow's hard NMS). */
function suppress<T extends Box>(sorted: T[], maxDetected: number, iouThreshold: number): T[] {
  const kept: T[] = [];
  for (const box of sorted) {
    if (kept.length >= maxDetected) break;
    if (kept.every((k) => overlap(k, box) < iouThreshold)) kept.push(box);
  }
  return kept;
}

function overlap(a: Box, b: Box): number {
  const area = (r: Box) => (Math.max(r.x1, r.x2) - Math.min(r.x1, r.x2)) * (Math.max(r.y1, r.y2) - Math.min(r.y1, r.y2));
  const areaA = area(a);
  const areaB = area(b);
  if (areaA <= 0 || areaB <= 0) return 0;
  const w = Math.min(Math.max(a.x1, a.x2), Math.max(b.x1, b.x2)) - Math.max(Math.min(a.x1, a.x2), Math.min(b.x1, b.x2));
  const h = Math.min(Math.max(a.y1, a.y2), Math.max(b.y1, b.y2)) - Math.max(Math.min(a.y1, a.y2), Math.min(b.y1, b.y2));
  const intersection = Math.max(w, 0) * Math.max(h, 0);
  return intersection / (areaA + areaB - intersection);
}
