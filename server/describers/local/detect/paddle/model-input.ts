import type { Point, Quad } from './text-boxes';

/** Pixels as they leave sharp: interleaved RGB, 3 bytes per pixel. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Per-channel normalisation, in R, G, B order. */
export interface Normalisation {
  mean: [number, number, number];
  std: [number, number, number];
}
/** The detector's training normalisation (PaddleOCR det config): it finds small text the plain scale misses. */
export const DETECTION_NORMALISATION: Normalisation = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
/**
 * Plain 0..1 for recognition: measured on our evaluation set it reads the spaces between words
 * more reliably than the training config's ±1 scale ("Changes are applied…" not "Changesareapplied…").
 */
export const RECOGNITION_NORMALISATION: Normalisation = { mean: [0, 0, 0], std: [1, 1, 1] };


/**
 * Interleaved RGB to the planar float tensor PaddleOCR expects: planes in B, G, R order
 * (its training images were read with OpenCV), each normalised.
 */
export function toPlanarBgr(image: RgbImage, n: Normalisation): Float32Array {
  const pixels = image.width * image.height;
  const out = new Float32Array(pixels * 3);
  const scale = n.std.map((s) => 1 / (255 * s));
  const offset = n.mean.map((m, c) => m / n.std[c]);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[2 * pixels + i] = image.data[j] * scale[0] - offset[0];
    out[pixels + i] = image.data[j + 1] * scale[1] - offset[1];
    out[i] = image.data[j + 2] * scale[2] - offset[2];
  }
  return out;
}

const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/**
 * One text line cut out of the image along its (possibly tilted) box and straightened, at the
 * image's own scale (bilinear; outside the image the border repeats). Tall boxes are turned a
 * quarter anticlockwise, as PaddleOCR does for vertical text.
 */
export function cropLine(image: RgbImage, quad: Quad): RgbImage {
  let [p0, p1, , p3] = quad;
  if (Math.max(distance(quad[0], quad[3]), distance(quad[1], quad[2])) >= 1.5 * Math.max(distance(quad[0], quad[1]), distance(quad[3], quad[2]))) {
    [p0, p1, p3] = [quad[1], quad[2], quad[0]];
  }
  const width = Math.max(1, Math.round(distance(p0, p1)));
  const height = Math.max(1, Math.round(distance(p0, p3)));
  const out = Buffer.alloc(width * height * 3);
  const ux = (p1[0] - p0[0]) / width;
  const uy = (p1[1] - p0[1]) / width;
  const vx = (p3[0] - p0[0]) / height;
  const vy = (p3[1] - p0[1]) / height;
  const { data, width: w, height: h } = image;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = Math.min(w - 1, Math.max(0, p0[0] + (x + 0.5) * ux + (y + 0.5) * vx - 0.5));
      const sy = Math.min(h - 1, Math.max(0, p0[1] + (x + 0.5) * uy + (y + 0.5) * vy - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = (y0 * w + x0) * 3, i01 = (y0 * w + x1) * 3, i10 = (y1 * w + x0) * 3, i11 = (y1 * w + x1) * 3;
      for (let c = 0, o = (y * width + x) * 3; c < 3; c++) {
        const top = data[i00 + c] + (data[i01 + c] - data[i00 + c]) * fx;
        const bottom = data[i10 + c] + (data[i11 + c] - data[i10 + c]) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height };
}
