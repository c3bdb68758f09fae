import sharp from 'sharp';

/**
 * libvips can load far more than we accept (SVG with scripts, PDF, FITS, Matlab, ...). Block every
 * loader, then allow back the six raster formats ingest accepts. sharp.block is process-wide, so this
 * also covers anything else in the process that hands sharp user bytes. Measured in
 * notes/dependency-pitfalls.md §0: after this an SVG is refused and PNG still loads.
 */
const ALLOWED_LOADERS = ['Jpeg', 'Png', 'Webp', 'Nsgif', 'Heif', 'Tiff'];

let applied = false;

export function applySharpPolicy(): void {
  if (applied) return;
  applied = true;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS.flatMap((format) => ['Buffer', 'File', 'Source'].map((kind) => `VipsForeignLoad${format}${kind}`)) });
}
