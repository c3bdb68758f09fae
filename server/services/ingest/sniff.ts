/**
 * The real type of an upload, read from its first bytes; the name and the declared type are ignored.
 * Only raster formats our sharp build decodes are accepted. Formats we recognise but refuse get their
 * own reason, so the user learns why ("SVG files are not accepted") rather than a vague error.
 */
export type AcceptedType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif' | 'image/avif' | 'image/tiff';

export type SniffResult = { accepted: true; type: AcceptedType } | { accepted: false; type: string | null; reason: string };

const ACCEPTED_LIST = 'JPEG, PNG, WebP, GIF, AVIF or TIFF';

function startsWith(bytes: Buffer, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, end).toString('latin1');
}

/** ISO-BMFF (HEIF family): accept only when the ftyp box names an AVIF brand. */
function isoBrands(bytes: Buffer): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  return brands;
}

/** Text-like markup in the opening bytes (after a BOM and whitespace). */
function markupKind(bytes: Buffer): 'svg' | 'html' | 'xml' | null {
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (!head.startsWith('<')) return null;
  if (head.includes('<svg')) return 'svg';
  if (/^<(!doctype html|html|head|body|script|iframe|div|p|a|img|meta|title|style)[\s>/]/.test(head)) return 'html';
  if (head.startsWith('<?xml') || head.startsWith('<!')) return 'xml';
  return 'html';
}

export function sniffImageType(bytes: Buffer): SniffResult {
  if (bytes.length === 0) return { accepted: false, type: null, reason: 'The file is empty.' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { accepted: true, type: 'image/jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { accepted: true, type: 'image/png' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { accepted: true, type: 'image/webp' };
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return { accepted: true, type: 'image/gif' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { accepted: true, type: 'image/tiff' };
  }
  const brands = isoBrands(bytes);
  if (brands) {
    if (brands.includes('avif') || brands.includes('avis')) return { accepted: true, type: 'image/avif' };
    return { accepted: false, type: 'image/heic', reason: `HEIC and other ISO media files are not accepted; convert the image to ${ACCEPTED_LIST}.` };
  }
  if (ascii(bytes, 0, 5) === '%PDF-') return { accepted: false, type: 'application/pdf', reason: 'PDF files are not accepted; upload the image itself.' };
  const markup = markupKind(bytes);
  if (markup === 'svg') return { accepted: false, type: 'image/svg+xml', reason: 'SVG files are not accepted (they can carry scripts); export the image as PNG.' };
  if (markup) return { accepted: false, type: 'text/html', reason: 'This file is a web page or markup, not an image.' };
  return { accepted: false, type: null, reason: `This file is not an image we accept (${ACCEPTED_LIST}).` };
}
