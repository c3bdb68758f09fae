import { EmbedError, type PacketFor } from './errors';

// The layout follows the WebP container specification (developers.google.com/speed/webp/docs/riff_container).
const DAMAGED = 'This WebP file is damaged or cut short: nothing was written.';
const XMP_FLAG = 0x04;
const ALPHA_FLAG = 0x10;
/** Chunks after which the XMP chunk may go: the image data, then EXIF (the spec orders EXIF before XMP). */
const BEFORE_XMP = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF', 'EXIF']);

interface Chunk {
  type: string;
  /** The whole chunk: header, payload and its padding byte. */
  bytes: Buffer;
  payload: Buffer;
}

export const isWebp = (bytes: Buffer): boolean => bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';

function chunksOf(bytes: Buffer): Chunk[] {
  if (bytes.length < 20 || bytes.readUInt32LE(4) + 8 !== bytes.length) throw new EmbedError(DAMAGED);
  const chunks: Chunk[] = [];
  let offset = 12;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw new EmbedError(DAMAGED);
    const size = bytes.readUInt32LE(offset + 4);
    const end = offset + 8 + size + (size % 2);
    if (end > bytes.length) throw new EmbedError(DAMAGED);
    chunks.push({ type: bytes.toString('latin1', offset, offset + 4), bytes: bytes.subarray(offset, end), payload: bytes.subarray(offset + 8, offset + 8 + size) });
    offset = end;
  }
  return chunks;
}

function chunk(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload, payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** The canvas of a simple WebP, read from its VP8 (lossy) or VP8L (lossless) bitstream header. */
function simpleCanvas(image: Chunk): { width: number; height: number; alpha: boolean } {
  const p = image.payload;
  if (image.type === 'VP8 ') {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
    if (p.length < 10 || p[3] !== 0x9d || p[4] !== 0x01 || p[5] !== 0x2a) throw new EmbedError(DAMAGED);
    return { width: p.readUInt16LE(6) & 0x3fff, height: p.readUInt16LE(8) & 0x3fff, alpha: false };
  }
  // Signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha hint.
  if (p.length < 5 || p[0] !== 0x2f) throw new EmbedError(DAMAGED);
  const bits = p.readUInt32LE(1);
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: Boolean((bits >>> 28) & 1) };
}

function vp8x(canvas: { width: number; height: number; alpha: boolean }): Buffer {
  const payload = Buffer.alloc(10);
  payload[0] = XMP_FLAG | (canvas.alpha ? ALPHA_FLAG : 0);
  payload.writeUIntLE(canvas.width - 1, 4, 3);
  payload.writeUIntLE(canvas.height - 1, 7, 3);
  return chunk('VP8X', payload);
}

/**
 * WebP: the XMP packet as an `XMP ` chunk after the image data and any EXIF chunk. A simple file (one
 * VP8 or VP8L chunk) gets the VP8X header chunk the extended format needs, its canvas read from the
 * bitstream; an extended file gets its XMP flag set and an earlier XMP chunk replaced. Every other
 * chunk is kept in its place, the image data untouched; a file whose sizes do not add up is refused.
 */
export function embedInWebp(bytes: Buffer, packetFor: PacketFor): Buffer {
  const chunks = chunksOf(bytes);
  const first = chunks[0]!;
  const existing = chunks.find((c) => c.type === 'XMP ');
  const xmp = chunk('XMP ', Buffer.from(packetFor(existing?.payload.toString('utf8')), 'utf8'));
  let head: Buffer;
  let rest: Chunk[];
  if (first.type === 'VP8X') {
    if (first.payload.length < 10) throw new EmbedError(DAMAGED);
    head = Buffer.from(first.bytes);
    head[8] = head[8]! | XMP_FLAG;
    rest = chunks.slice(1).filter((c) => c.type !== 'XMP ');
  } else if ((first.type === 'VP8 ' || first.type === 'VP8L') && chunks.length === 1) {
    head = vp8x(simpleCanvas(first));
    rest = chunks;
  } else {
    throw new EmbedError(DAMAGED);
  }
  if (!rest.some((c) => c.type === 'VP8 ' || c.type === 'VP8L' || c.type === 'ANMF')) throw new EmbedError(DAMAGED);
  const after = rest.reduce((at, c, i) => (BEFORE_XMP.has(c.type) ? i + 1 : at), 0);
  const body = [head, ...rest.slice(0, after).map((c) => c.bytes), xmp, ...rest.slice(after).map((c) => c.bytes)];
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + body.reduce((n, b) => n + b.length, 0), 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, ...body]);
}
