import sharp from 'sharp';

/** Twice the largest size a list shows (96 px in the library), for sharp screens. */
export const THUMBNAIL_SIDE = 192;

/**
 * A small JPEG of a working copy for the library and the batch table, made on request rather than
 * stored: nothing more to expire, sweep or delete, and a table of 50 images moves a few kilobytes
 * each instead of the whole working copy (up to 1,536 px). JPEG decoding shrinks while it reads,
 * so this costs milliseconds.
 */
export function thumbnailOf(workingCopy: Buffer): Promise<Buffer> {
  return sharp(workingCopy)
    .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 70 })
    .toBuffer();
}
