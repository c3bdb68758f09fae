import sharp, { type Sharp } from 'sharp';

/** The largest side any detector looks at (PaddleOCR's input; CenterNet gets a smaller copy). */
export const WORKING_MAX_SIDE = 1280;

/** The image decoded once: upright sRGB pixels, alpha flattened on white, at most 1280 px. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  /** Size of the image as received, after orientation. */
  originalWidth: number;
  originalHeight: number;
  hasAlpha: boolean;
}

/**
 * Decodes with shrink-on-load so a 12-MP photo costs little more than a 1-MP one, and every later
 * step (statistics, detector input, OCR input) starts from the same small buffer.
 */
export async function decodeImage(image: Buffer): Promise<DecodedImage> {
  const input = sharp(image, { failOn: 'none' });
  const meta = await input.metadata();
  const { data, info } = await input
    .rotate()
    .resize(WORKING_MAX_SIDE, WORKING_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    originalWidth: meta.autoOrient.width,
    originalHeight: meta.autoOrient.height,
    hasAlpha: meta.hasAlpha === true,
  };
}

/** A sharp pipeline over decoded (or derived) RGB pixels. */
export function fromDecoded(image: Pick<DecodedImage, 'data' | 'width' | 'height'>): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}
