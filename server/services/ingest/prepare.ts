import crypto from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { encode as encodeBlurhash } from 'blurhash';
import type { EmbeddedText } from '../../describers/types';
import { sniffImageType, AcceptedType } from './sniff';
import { readEmbeddedText } from './embedded';
import { applySharpPolicy } from './sharp-policy';
import { stripJpegMetadata } from './jpeg-strip';

/** The long side of the working copy a describer sees; enough for vision models' high-detail tiles. */
export const WORKING_COPY_MAX_SIDE = 1536;
const WORKING_COPY_QUALITY = 85;
const PLACEHOLDER_SIDE = 32;

export interface PreparedImage {
  /** Auto-oriented JPEG, ≤ 1536 px, sRGB, no metadata of any kind. */
  workingCopy: Buffer;
  sourceType: AcceptedType;
  byteSize: number;
  /** The original's dimensions, after orientation. */
  width: number;
  height: number;
  blurhash: string;
  dominantColor: string;
  embedded: EmbeddedText;
  /** Of the working copy: what is stored, and what a deletion receipt names. */
  sha256: string;
}

/** A file ingest will not take, with a reason the user can read. */
export class RefusedImageError extends Error {
  constructor(
    message: string,
    readonly sourceType: string | null,
  ) {
    super(message);
    this.name = 'RefusedImageError';
  }
}

/**
 * `alongside` gets the working copy as soon as it exists and runs while the placeholder is computed:
 * storing the copy (an fsync) then costs no extra time on the request's path.
 */
export async function prepareImage(bytes: Buffer, maxPixels: number, alongside?: (workingCopy: Buffer) => Promise<void>): Promise<PreparedImage> {
  applySharpPolicy();
  const sniffed = sniffImageType(bytes);
  if (!sniffed.accepted) throw new RefusedImageError(sniffed.reason, sniffed.type);
  const type = sniffed.type;

  const header = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
  if (!header?.width || !header.height) throw damaged(type);
  const width = header.autoOrient?.width ?? header.width;
  const height = header.autoOrient?.height ?? header.pageHeight ?? header.height;
  if (header.width * (header.pageHeight ?? header.height) > maxPixels) {
    throw new RefusedImageError(`The image is ${width}×${height} pixels, more than the limit of ${formatMegapixels(maxPixels)} megapixels.`, type);
  }

  let workingCopy = isWorkingCopyAlready(type, header) ? stripJpegMetadata(bytes) : undefined;
  // The copied image data has not been decoded yet: summarising decodes it, so a damaged file still
  // fails here (through the re-encode below), alone.
  let summary = workingCopy && (await summarise(workingCopy).catch(() => undefined));
  if (workingCopy && summary) {
    await alongside?.(workingCopy);
  } else {
    workingCopy = await reencode(bytes, type, maxPixels);
    [summary] = await Promise.all([summarise(workingCopy), alongside?.(workingCopy)]);
  }
  const { blurhash, dominantColor } = summary;
  return {
    workingCopy,
    sourceType: type,
    byteSize: bytes.length,
    width,
    height,
    blurhash,
    dominantColor,
    embedded: await readEmbeddedText(bytes),
    sha256: crypto.createHash('sha256').update(workingCopy).digest('hex'),
  };
}

/** An upright sRGB JPEG within the size limit only needs its metadata removed. */
function isWorkingCopyAlready(type: AcceptedType, header: Metadata): boolean {
  return (
    type === 'image/jpeg' &&
    (header.orientation ?? 1) === 1 &&
    header.width <= WORKING_COPY_MAX_SIDE &&
    header.height <= WORKING_COPY_MAX_SIDE &&
    header.space === 'srgb' &&
    header.channels === 3 &&
    !header.icc
  );
}

/** Auto-oriented, at most 1536 px, flattened onto white, sRGB JPEG: decoding and encoding drop all metadata. */
async function reencode(bytes: Buffer, type: AcceptedType, maxPixels: number): Promise<Buffer> {
  try {
    // limitInputPixels again, because the header check trusts the header (sharp docs say the same).
    return await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1 })
      .autoOrient()
      .resize({ width: WORKING_COPY_MAX_SIDE, height: WORKING_COPY_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: WORKING_COPY_QUALITY })
      .toBuffer();
  } catch {
    throw damaged(type);
  }
}

/** Blurhash and dominant colour from a tiny decode of the working copy (cheap: JPEG shrink-on-load). */
async function summarise(workingCopy: Buffer): Promise<{ blurhash: string; dominantColor: string }> {
  const { data, info } = await sharp(workingCopy, { failOn: 'error' })
    .resize(PLACEHOLDER_SIDE, PLACEHOLDER_SIDE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const half = halve(data, info.width, info.height);
  return { blurhash: encodeBlurhash(half.pixels, half.width, half.height, 4, 3), dominantColor: dominantColour(data) };
}

/**
 * A 2×2 box average of RGBA pixels. Four by three blurhash components hold nothing a 16 px image
 * lacks, and the encoder's cost grows with every pixel (about 3 ms at 32 px, on the request's path).
 */
function halve(rgba: Buffer, width: number, height: number): { pixels: Uint8ClampedArray; width: number; height: number } {
  const w = Math.max(1, Math.floor(width / 2));
  const h = Math.max(1, Math.floor(height / 2));
  const pixels = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const x2 = Math.min(width - 1, 2 * x + 1);
      const y2 = Math.min(height - 1, 2 * y + 1);
      for (let c = 0; c < 4; c++) {
        const at = (px: number, py: number) => rgba[(py * width + px) * 4 + c];
        pixels[(y * w + x) * 4 + c] = Math.round((at(2 * x, 2 * y) + at(x2, 2 * y) + at(2 * x, y2) + at(x2, y2)) / 4);
      }
    }
  }
  return { pixels, width: w, height: h };
}

/** The mean of the most populated 4-bit-per-channel bucket: a colour that is actually in the image. */
export function dominantColour(rgba: Buffer): string {
  const buckets = new Map<number, [number, number, number, number]>();
  let best: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    const key = ((rgba[i] >> 4) << 8) | ((rgba[i + 1] >> 4) << 4) | (rgba[i + 2] >> 4);
    const bucket = buckets.get(key) ?? [0, 0, 0, 0];
    bucket[0] += rgba[i];
    bucket[1] += rgba[i + 1];
    bucket[2] += rgba[i + 2];
    bucket[3] += 1;
    buckets.set(key, bucket);
    if (bucket[3] > best[3]) best = bucket;
  }
  if (best[3] === 0) return '#000000';
  return `#${best.slice(0, 3).map((sum) => Math.round(sum / best[3]).toString(16).padStart(2, '0')).join('')}`;
}

function damaged(type: AcceptedType): RefusedImageError {
  return new RefusedImageError('The file could not be read as an image; it may be damaged or incomplete.', type);
}

function formatMegapixels(pixels: number): string {
  return String(Math.round((pixels / 1_000_000) * 10) / 10);
}
