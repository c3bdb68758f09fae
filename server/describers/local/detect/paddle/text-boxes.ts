/** A corner of a text box, in pixels. */
export type Point = [number, number];
/** Four corners clockwise from the top left of the text as it reads. */
export type Quad = [Point, Point, Point, Point];

/**
 * PaddleOCR's DB post-processing settings (PaddleOCR `det_db_*` defaults): pixels over THRESHOLD
 * are text, a region is kept when its mean probability reaches BOX_THRESHOLD, and the shrunk
 * region the model predicts is grown back by UNCLIP_RATIO.
 */
const THRESHOLD = 0.3;
const BOX_THRESHOLD = 0.6;
const UNCLIP_RATIO = 1.5;
const MIN_SIDE = 3;
const MAX_REGIONS = 1000;

/**
 * Text regions in a DB probability map: 8-connected regions over the threshold, each turned into
 * its minimum-area rectangle and grown by the unclip distance. Coordinates are in map pixels.
 */
export function textBoxes(map: Float32Array, width: number, height: number): Quad[] {
  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: Quad[] = [];
  let next = 0;
  for (let start = 0; start < map.length && next < MAX_REGIONS; start++) {
    if (label[start] !== 0 || map[start] <= THRESHOLD) continue;
    next++;
    // Flood fill; per row only the extreme columns matter for the convex hull.
    const minX = new Map<number, number>();
    const maxX = new Map<number, number>();
    let size = 0;
    let sum = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = next;
    while (top > 0) {
      const i = stack[--top];
      const x = i % width;
      const y = (i - x) / width;
      size++;
      sum += map[i];
      const left = minX.get(y);
      const right = maxX.get(y);
      if (left === undefined || x < left) minX.set(y, x);
      if (right === undefined || x > right) maxX.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (label[j] === 0 && map[j] > THRESHOLD) {
            label[j] = next;
            stack[top++] = j;
          }
        }
      }
    }
    if (size < MIN_SIDE * MIN_SIDE || sum / size < BOX_THRESHOLD) continue;
    const points: Point[] = [];
    for (const [y, x] of minX) points.push([x, y], [maxX.get(y) as number, y]);
    const rect = minAreaRect(convexHull(points));
    if (Math.min(rect.w, rect.h) < MIN_SIDE) continue;
    const distance = (rect.w * rect.h * UNCLIP_RATIO) / (2 * (rect.w + rect.h));
    const grown = { ...rect, w: rect.w + 2 * distance, h: rect.h + 2 * distance };
    if (Math.min(grown.w, grown.h) < MIN_SIDE + 2) continue;
    boxes.push(corners(grown));
  }
  return boxes;
}

interface Rect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Unit vector along the w side. */
  ux: number;
  uy: number;
}

/** Andrew's monotone chain. */
function convexHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Point[]) => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** The smallest rectangle around a convex hull has one side on a hull edge (rotating calipers). */
function minAreaRect(hull: Point[]): Rect {
  if (hull.length === 1) return { cx: hull[0][0], cy: hull[0][1], w: 0, h: 0, ux: 1, uy: 0 };
  let best: Rect | undefined;
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    const length = Math.hypot(bx - ax, by - ay);
    if (length === 0) continue;
    const ux = (bx - ax) / length;
    const uy = (by - ay) / length;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const [px, py] of hull) {
      const u = px * ux + py * uy;
      const v = -px * uy + py * ux;
      minU = Math.min(minU, u); maxU = Math.max(maxU, u);
      minV = Math.min(minV, v); maxV = Math.max(maxV, v);
    }
    const w = maxU - minU;
    const h = maxV - minV;
    if (!best || w * h < best.w * best.h) {
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w, h, ux, uy };
    }
  }
  return best as Rect;
}

/** Corners ordered top-left, top-right, bottom-right, bottom-left in image orientation. */
function corners(r: Rect): Quad {
  // Make the u axis point rightwards so the first side reads left to right.
  let { ux, uy, w, h } = r;
  if (Math.abs(ux) < Math.abs(uy)) [ux, uy, w, h] = [-uy, ux, h, w];
  if (ux < 0) [ux, uy] = [-ux, -uy];
  const vx = -uy;
  const vy = ux;
  const at = (su: number, sv: number): Point => [r.cx + (su * w * ux + sv * h * vx) / 2, r.cy + (su * w * uy + sv * h * vy) / 2];
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}
