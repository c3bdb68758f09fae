/**
 * Removes every metadata segment from a JPEG without touching its image data, for a JPEG that needs
 * no other change (see `prepareImage`): re-encoding would cost more than the rest of an upload and
 * lose quality for nothing. Only what a decoder needs is copied — quantisation and Huffman tables,
 * the frame, restart interval, the scans and Adobe's colour-transform flag — so EXIF (GPS, camera),
 * XMP, IPTC, ICC profiles, comments, thumbnails and anything after the end-of-image marker (such as
 * an appended motion-photo video) are gone. Any marker it does not know makes it give up
 * (`undefined`), and the caller re-encodes instead.
 */
export function stripJpegMetadata(bytes: Buffer): Buffer | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    while (bytes[at + 1] === 0xff) at += 1; // fill bytes before a marker
    const marker = bytes[at + 1];
    if (marker === undefined) return undefined;
    if (marker === 0xd9) return Buffer.concat([...kept, Buffer.from([0xff, 0xd9])]);
    if (at + 4 > bytes.length) return undefined;
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) return undefined;
    const segment = bytes.subarray(at, end);
    if (marker === 0xda) {
      const scanEnd = endOfEntropyData(bytes, end);
      if (scanEnd === undefined) return undefined;
      kept.push(bytes.subarray(at, scanEnd));
      at = scanEnd;
      continue;
    }
    if (isImageData(marker) || (marker === 0xee && isAdobeFlags(segment))) kept.push(segment);
    else if (!isMetadata(marker)) return undefined;
    at = end;
  }
  return undefined; // no end-of-image marker: truncated
}

/** Tables, frames (baseline, progressive, lossless, arithmetic) and the restart interval. */
function isImageData(marker: number): boolean {
  const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8;
  return frame || marker === 0xdb || marker === 0xdd;
}

/** APP0–APP15 and comments: never needed to decode the image. */
function isMetadata(marker: number): boolean {
  return (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe;
}

/** Adobe's APP14 says whether the pixels are YCbCr or RGB/CMYK; a dozen bytes of flags, no content. */
function isAdobeFlags(segment: Buffer): boolean {
  return segment.length <= 16 && segment.subarray(4, 9).toString('latin1') === 'Adobe';
}

/** Where a scan's entropy-coded data ends: at the next marker that is not a stuffed byte or a restart. */
function endOfEntropyData(bytes: Buffer, from: number): number | undefined {
  // indexOf jumps between 0xFF bytes natively; the scan data is most of the file.
  for (let i = bytes.indexOf(0xff, from); i !== -1 && i + 1 < bytes.length; i = bytes.indexOf(0xff, i + 1)) {
    const next = bytes[i + 1]!;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    return i;
  }
  return undefined;
}
