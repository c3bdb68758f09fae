import type { Description } from '../../describers/types';
import { embedInPng, jpegParts } from './containers';
import { EmbedError, type PacketFor } from './errors';
import { embedInWebp, isWebp } from './webp';
import { isTiff, tiffParts } from './tiff';
import { xmpPacket, type EmbeddedFields } from './xmp';
import { XmpMergeError, mergeXmp } from './xmp-merge';

export { EmbedError };
export type { EmbeddedFields };

/** Told when a file's own XMP packet could not be merged into and was replaced by a fresh one. */
export type NoteReplaced = (reason: string) => void;

/** A result's text as the fields written into a file. */
export function fieldsOf(d: Pick<Description, 'alt_text' | 'description' | 'caption' | 'title' | 'tags'>, language: string): EmbeddedFields {
  return { altText: d.alt_text, extendedDescription: d.description, caption: d.caption, title: d.title, tags: d.tags, language };
}

/** The file's bytes with the text written in, by the file's own signature: JPEG, PNG, WebP, TIFF. */
export function embedMetadata(bytes: Buffer, fields: EmbeddedFields, noteReplaced?: NoteReplaced): Buffer {
  return Buffer.concat(embedMetadataParts(bytes, fields, noteReplaced));
}

const isJpeg = (bytes: Buffer) => bytes[0] === 0xff && bytes[1] === 0xd8;
const isPng = (bytes: Buffer) => bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG';

/** The kinds of file the text can be written into, by their signature: JPEG, PNG, WebP and TIFF. */
export function carriesText(bytes: Buffer): boolean {
  return isJpeg(bytes) || isPng(bytes) || isWebp(bytes) || isTiff(bytes);
}

/** The media type of a file that carries text: what a download of it is sent as. */
export function mediaTypeOf(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | 'image/tiff' {
  if (isJpeg(bytes)) return 'image/jpeg';
  if (isPng(bytes)) return 'image/png';
  return isWebp(bytes) ? 'image/webp' : 'image/tiff';
}

/**
 * Our packet merged into the one the file holds, so another tool's fields (rating, creator,
 * keyword hierarchy) stay; a packet we cannot read well enough is replaced whole, and said so.
 */
function packetFor(fields: EmbeddedFields, noteReplaced?: NoteReplaced): PacketFor {
  return (existing) => {
    if (existing === undefined || existing.trim() === '') return xmpPacket(fields);
    try {
      return mergeXmp(existing, fields);
    } catch (err) {
      if (!(err instanceof XmpMergeError)) throw err;
      noteReplaced?.(`its XMP metadata could not be read (${err.message}), so it was replaced, not merged`);
      return xmpPacket(fields);
    }
  };
}

/** The same, as pieces sharing the original's memory, for writing to a file without another copy. */
export function embedMetadataParts(bytes: Buffer, fields: EmbeddedFields, noteReplaced?: NoteReplaced): Buffer[] {
  const merge = packetFor(fields, noteReplaced);
  if (isJpeg(bytes)) return jpegParts(bytes, merge);
  if (isPng(bytes)) return [embedInPng(bytes, merge)];
  if (isWebp(bytes)) return [embedInWebp(bytes, merge)];
  if (isTiff(bytes)) return tiffParts(bytes, merge);
  throw new EmbedError('Only JPEG, PNG, WebP and TIFF files can carry the text; write a sidecar (.xmp) for this one.');
}

/** A sidecar file's content (photo.xmp beside photo.jpg): merged into the sidecar already there, if any. */
export function sidecarXmp(fields: EmbeddedFields, existing?: string, noteReplaced?: NoteReplaced): string {
  return packetFor(fields, noteReplaced)(existing);
}
