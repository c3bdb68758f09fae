import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** Runs Debian's exiftool on the bytes written to a temporary file; the folder is removed after. */
function withFile<T>(bytes: Buffer, ext: string, run: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-exiftool-'));
  const file = path.join(dir, `image.${ext}`);
  fs.writeFileSync(file, bytes);
  try {
    return run(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What exiftool reads from the bytes (grouped by family 1, structures kept): the check does not use our own parser. */
export function exiftool(bytes: Buffer, ext: string): Record<string, unknown> {
  return withFile(bytes, ext, (file) => {
    const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-struct', file], { encoding: 'utf8' })) as Record<string, unknown>[];
    return tags!;
  });
}

/** The bytes after exiftool wrote the given tags (e.g. `-XMP-xmp:Rating=4`), as a photo manager would have. */
export function exiftoolWrite(bytes: Buffer, ext: string, args: string[]): Buffer {
  return withFile(bytes, ext, (file) => {
    execFileSync('exiftool', ['-q', '-overwrite_original', ...args, file]);
    return fs.readFileSync(file);
  });
}

/** The decoded pixels, to show the image data was not touched. */
export function pixels(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).raw().toBuffer();
}
