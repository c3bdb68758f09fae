import type { Description } from '../../describers/types';
import { EmbedError, embedInPng, jpegParts } from './containers';
import { xmpPacket, type EmbeddedFields } from './xmp';

export { EmbedError };
export type { EmbeddedFields };

/** A result's text as the fields written into a file. */
export function fieldsOf(d: Pick<Description, 'alt_text' | 'description' | 'caption' | 'title' | 'tags'>, language: string): EmbeddedFields {
  return { altText: d.alt_text, extendedDescription: d.description, caption: d.caption, title: d.title, tags: d.tags, language };
}

/** The file's bytes with the text written in, by the file's own signature: JPEG and PNG. */
export function embedMetadata(bytes: Buffer, fields: EmbeddedFields): Buffer {
  return Buffer.concat(embedMetadataParts(bytes, fields));
}

const isJpeg = (bytes: Buffer) => bytes[0] === 0xff && bytes[1] === 0xd8;
const isPng = (bytes: Buffer) => bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG';

/** The kinds of file the text can be written into, by their signature: JPEG and PNG. */
export function carriesText(bytes: Buffer): boolean {
  return isJpeg(bytes) || isPng(bytes);
}

/** The media type of a file that carries text: what a download of it is sent as. */
export function mediaTypeOf(bytes: Buffer): 'image/jpeg' | 'image/png' {
  return isJpeg(bytes) ? 'image/jpeg' : 'image/png';
}

/** The same, as pieces sharing the original's memory, for writing to a file without another copy. */
export function embedMetadataParts(bytes: Buffer, fields: EmbeddedFields): Buffer[] {
  const xmp = xmpPacket(fields);
  if (isJpeg(bytes)) return jpegParts(bytes, xmp);
  if (isPng(bytes)) return [embedInPng(bytes, xmp)];
  throw new EmbedError('Only JPEG and PNG files can carry the text for now; write a sidecar (.xmp) for this one.');
}

/** The same packet as a sidecar file's content (photo.xmp beside photo.jpg). */
export function sidecarXmp(fields: EmbeddedFields): string {
  return xmpPacket(fields);
}
