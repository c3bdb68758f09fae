import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';

/** Small real photos kept in the repository; eagle-gps.jpg still carries GPS, camera and XMP tags. */
export const FIXTURES_DIR = path.resolve(__dirname, '../../../test/fixtures');

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES_DIR, name));
}

export function solidImage(format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff', width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#2a6f97' } })[format]().toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a PNG whose header claims width × height 1-bit pixels, with only the first rows
 * of data present. Whoever trusts the header to allocate pays gigabytes for a few hundred bytes.
 */
export function pixelBombPng(width = 50_000, height = 50_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale
  const rows = zlib.deflateSync(Buffer.alloc(16 * (1 + Math.ceil(width / 8))));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export const HOSTILE_SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)"><script>alert(document.cookie)</script><rect width="100" height="100"/></svg>',
);
export const HTML_PAGE = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
export const PDF_FILE = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const TEXT_FILE = Buffer.from('just some notes, not an image\n');

/** Markup first, PNG bytes after: a browser sniffing it would run the script. */
export async function htmlPngPolyglot(): Promise<Buffer> {
  return Buffer.concat([Buffer.from('<html><script>alert(1)</script><!--'), await solidImage('png'), Buffer.from('-->')]);
}

/** A real GIF whose comment carries a script: valid as an image, so it must come out re-encoded. */
export async function gifWithScriptComment(): Promise<Buffer> {
  const gif = await solidImage('gif', 16, 16);
  // GIF comment extension (0x21 0xFE) inserted before the trailer.
  const comment = Buffer.from('<script>alert(1)</script>');
  const extension = Buffer.concat([Buffer.from([0x21, 0xfe, comment.length]), comment, Buffer.from([0x00])]);
  return Buffer.concat([gif.subarray(0, gif.length - 1), extension, gif.subarray(gif.length - 1)]);
}

/** Starts like a JPEG, then garbage: sniffed as JPEG, fails to decode. */
export function corruptJpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 this is not really a jpeg'.repeat(20))]);
}
