import zlib from 'node:zlib';
import { EmbedError, type PacketFor } from './errors';

const XMP_JPEG_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_XMP_KEYWORD = 'XML:com.adobe.xmp';

/**
 * JPEG: the XMP packet as an APP1 segment after the leading APP0/APP1 (JFIF, Exif) segments; an
 * earlier XMP packet is replaced (merged by `packetFor`), every other segment (Exif, ICC profile, IPTC-IIM) is kept byte for
 * byte, and the entropy-coded image data is not touched. A file cut short before its image data is refused.
 */
export function embedInJpeg(bytes: Buffer, packetFor: PacketFor): Buffer {
  return Buffer.concat(jpegParts(bytes, packetFor));
}

/** The pieces of the new JPEG, in order, sharing the original's memory: written as they are, no copy. */
export function jpegParts(bytes: Buffer, packetFor: PacketFor): Buffer[] {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new EmbedError('This is not a JPEG file.');
  let existing: string | undefined;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let insertAt = 1;
  let offset = 2;
  for (;;) {
    if (offset + 4 > bytes.length || bytes[offset] !== 0xff) throw new EmbedError('This JPEG file is damaged or cut short: nothing was written.');
    const marker = bytes[offset + 1]!;
    if (marker === 0xda) break; // start of scan: the image data and the rest follow unchanged
    const length = bytes.readUInt16BE(offset + 2);
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) throw new EmbedError('This JPEG file is damaged or cut short: nothing was written.');
    const isXmp = marker === 0xe1 && bytes.subarray(offset + 4, offset + 4 + XMP_JPEG_HEADER.length).equals(XMP_JPEG_HEADER);
    if (isXmp) existing = bytes.toString('utf8', offset + 4 + XMP_JPEG_HEADER.length, end);
    else {
      kept.push(bytes.subarray(offset, end));
      if ((marker === 0xe0 || marker === 0xe1) && insertAt === kept.length - 1) insertAt = kept.length;
    }
    offset = end;
  }
  // Searched from the end, where the end-of-image marker is (at most some padding after it).
  if (bytes.lastIndexOf(Buffer.from([0xff, 0xd9])) < offset) throw new EmbedError('This JPEG file is cut short (no end of image): nothing was written.');
  const payload = Buffer.concat([XMP_JPEG_HEADER, Buffer.from(packetFor(existing), 'utf8')]);
  if (payload.length + 2 > 0xffff) throw new EmbedError('The text is too long for one JPEG metadata segment.');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  kept.splice(insertAt, 0, segment, payload);
  kept.push(bytes.subarray(offset));
  return kept;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The text of an iTXt XMP chunk's data (after its keyword), inflated when the chunk is compressed. */
function itxtText(data: Buffer): string {
  const compressed = data[0] === 1;
  const languageEnd = data.indexOf(0, 2);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  const damaged = new EmbedError('The XMP chunk in this PNG file is damaged: nothing was written.');
  if (translatedEnd < 0) throw damaged;
  const text = data.subarray(translatedEnd + 1);
  try {
    return (compressed ? zlib.inflateSync(text) : text).toString('utf8');
  } catch {
    throw damaged;
  }
}

/**
 * PNG: the XMP packet as an uncompressed iTXt chunk (keyword XML:com.adobe.xmp) before the image
 * data; an earlier XMP chunk is replaced (merged by `packetFor`), other chunks (text, ICC, EXIF) are
 * kept, the pixels are not touched. A file whose chunks do not add up, or without its end chunk, is refused.
 */
export function embedInPng(bytes: Buffer, packetFor: PacketFor): Buffer {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new EmbedError('This is not a PNG file.');
  const keyword = Buffer.from(`${PNG_XMP_KEYWORD}\0`, 'latin1');
  const out: Buffer[] = [bytes.subarray(0, 8)];
  let existing: string | undefined;
  let insertAt = -1;
  let offset = 8;
  let ended = false;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new EmbedError('This PNG file is damaged or cut short: nothing was written.');
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new EmbedError('This PNG file is damaged or cut short: nothing was written.');
    const isXmp = type === 'iTXt' && bytes.subarray(offset + 8, offset + 8 + keyword.length).equals(keyword);
    if ((type === 'IDAT' || type === 'IEND') && insertAt < 0) insertAt = out.length;
    if (isXmp) existing = itxtText(bytes.subarray(offset + 8 + keyword.length, end - 4));
    else out.push(bytes.subarray(offset, end));
    offset = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw new EmbedError('This PNG file is cut short (no end chunk): nothing was written.');
  const data = Buffer.concat([Buffer.from(`${PNG_XMP_KEYWORD}\0\0\0\0\0`, 'latin1'), Buffer.from(packetFor(existing), 'utf8')]);
  out.splice(insertAt, 0, pngChunk('iTXt', data));
  return Buffer.concat(out);
}
