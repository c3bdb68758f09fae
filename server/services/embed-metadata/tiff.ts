import { EmbedError, type PacketFor } from './errors';

const DAMAGED = 'This TIFF file is damaged or cut short: nothing was written.';
/** TIFF tag 700 holds the XMP packet (XMP Specification Part 3, 1.1.4), type BYTE. */
const XMP_TAG = 700;
const BYTE = 1;

export const isTiff = (bytes: Buffer): boolean => bytes.length >= 4 && (bytes.toString('latin1', 0, 2) === 'II' || bytes.toString('latin1', 0, 2) === 'MM') && (bytes[2] === 42 || bytes[3] === 42 || bytes[2] === 43 || bytes[3] === 43);

/**
 * TIFF: a copy of the first directory (IFD0) with tag 700 (XMP) added or replaced, entries kept in
 * tag order, appended at the end of the file with the packet, and the header pointed at it. Nothing
 * already in the file moves, so every offset in it (strips, tiles, Exif, GPS, later pages) stays
 * right and the image data is not touched; the old directory stays behind unreferenced. Both byte
 * orders; BigTIFF and files past 4 GB are refused.
 */
export function tiffParts(bytes: Buffer, packetFor: PacketFor): Buffer[] {
  const le = bytes.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (bytes.length < 8) throw new EmbedError(DAMAGED);
  const version = u16(2);
  if (version === 43) throw new EmbedError('BigTIFF files cannot carry the text yet; write a sidecar (.xmp) with --sidecar instead.');
  if (version !== 42) throw new EmbedError('This is not a TIFF file.');
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > bytes.length) throw new EmbedError(DAMAGED);
  const count = u16(ifd);
  const end = ifd + 2 + count * 12;
  if (count === 0 || end + 4 > bytes.length) throw new EmbedError(DAMAGED);
  let existing: string | undefined;
  const entries: { tag: number; bytes: Buffer }[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = ifd + 2 + i * 12;
    const tag = u16(at);
    if (tag !== XMP_TAG) {
      entries.push({ tag, bytes: bytes.subarray(at, at + 12) });
      continue;
    }
    const length = u32(at + 4);
    const from = length <= 4 ? at + 8 : u32(at + 8);
    if (from + length > bytes.length) throw new EmbedError(DAMAGED);
    existing = bytes.toString('utf8', from, from + length);
  }
  const xmp = Buffer.from(packetFor(existing), 'utf8');
  // Word-aligned, as TIFF offsets should be.
  const pad1 = Buffer.alloc(bytes.length % 2);
  const xmpAt = bytes.length + pad1.length;
  const pad2 = Buffer.alloc(xmp.length % 2);
  const newIfdAt = xmpAt + xmp.length + pad2.length;
  const ours = Buffer.alloc(12);
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w16(ours, XMP_TAG, 0);
  w16(ours, BYTE, 2);
  w32(ours, xmp.length, 4);
  w32(ours, xmpAt, 8);
  entries.push({ tag: XMP_TAG, bytes: ours });
  entries.sort((a, b) => a.tag - b.tag);
  const directory = Buffer.alloc(2 + entries.length * 12 + 4);
  w16(directory, entries.length, 0);
  entries.forEach((e, i) => e.bytes.copy(directory, 2 + i * 12));
  w32(directory, u32(end), 2 + entries.length * 12);
  if (newIfdAt + directory.length > 0xffffffff) throw new EmbedError('This TIFF file is too large to carry the text; write a sidecar (.xmp) with --sidecar instead.');
  const header = Buffer.from(bytes.subarray(0, 8));
  w32(header, newIfdAt, 4);
  return [header, bytes.subarray(8), pad1, xmp, pad2, directory];
}
