import { expect } from 'chai';
import sharp from 'sharp';
import exifr from 'exifr';
import { stripJpegMetadata } from '../../server/services/ingest/jpeg-strip';
import { prepareImage, RefusedImageError } from '../../server/services/ingest/prepare';
import * as fx from '../helpers/image-fixtures';

const TRAILER = Buffer.from('ftypmp42 appended motion-photo video');
const COMMENT = Buffer.from('secret comment: taken at 12 Elm Street');

/** The segments of a real photo between SOI and its first scan, except its ICC profile (APP2). */
function photoMetadata(jpeg: Buffer): Buffer[] {
  const segments: Buffer[] = [];
  for (let at = 2; jpeg[at + 1] !== 0xda; at += 2 + jpeg.readUInt16BE(at + 2)) {
    const marker = jpeg[at + 1]!;
    if (marker >= 0xe1 && marker <= 0xef && marker !== 0xe2) segments.push(jpeg.subarray(at, at + 2 + jpeg.readUInt16BE(at + 2)));
  }
  return segments;
}

function commentSegment(text: Buffer): Buffer {
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([header, text]);
}

/** A small upright sRGB JPEG carrying a real photo's EXIF (GPS, camera) and XMP, a comment, and a trailer. */
async function taggedJpeg(): Promise<{ tagged: Buffer; plain: Buffer }> {
  const plain = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const metadata = photoMetadata(fx.fixture('eagle-gps.jpg'));
  const tagged = Buffer.concat([plain.subarray(0, 2), ...metadata, commentSegment(COMMENT), plain.subarray(2), TRAILER]);
  return { tagged, plain };
}

describe('ingest: lossless metadata removal from JPEGs', () => {
  it('drops EXIF with GPS, XMP, comments and trailing data, and keeps the pixels exactly', async () => {
    const { tagged, plain } = await taggedJpeg();
    expect((await exifr.parse(tagged, true)).latitude).to.be.a('number');
    const stripped = stripJpegMetadata(tagged)!;
    expect(await exifr.parse(stripped, true)).to.equal(undefined);
    const meta = await sharp(stripped).metadata();
    expect([meta.exif, meta.xmp, meta.iptc, meta.icc]).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect(stripped.includes(COMMENT)).to.equal(false);
    expect(stripped.includes(TRAILER)).to.equal(false);
    expect(stripped.includes(Buffer.from('Exif'))).to.equal(false);
    const [a, b] = await Promise.all([sharp(stripped).raw().toBuffer(), sharp(plain).raw().toBuffer()]);
    expect(a.equals(b)).to.equal(true);
  });

  it('gives up on a marker it does not know, and on a file without its end', async () => {
    const { plain } = await taggedJpeg();
    const unknown = Buffer.concat([plain.subarray(0, 2), Buffer.from([0xff, 0x01]), plain.subarray(2)]);
    expect(stripJpegMetadata(unknown)).to.equal(undefined);
    expect(stripJpegMetadata(plain.subarray(0, plain.length - 200))).to.equal(undefined);
    expect(stripJpegMetadata(Buffer.from('not a jpeg at all'))).to.equal(undefined);
  });

  it('is the working copy of an upright sRGB JPEG within the size limit, with no metadata left', async () => {
    const { tagged } = await taggedJpeg();
    const prepared = await prepareImage(tagged, 100_000_000);
    expect(prepared.workingCopy.equals(stripJpegMetadata(tagged)!)).to.equal(true);
    expect(await exifr.parse(prepared.workingCopy, true)).to.equal(undefined);
    expect(prepared).to.include({ width: 96, height: 64, sourceType: 'image/jpeg' });
  });

  it('still refuses a JPEG whose header reads but whose image data does not decode', async () => {
    const progressive = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .jpeg({ quality: 90, progressive: true })
      .toBuffer();
    // The second scan names a component the frame does not have: only decoding finds out.
    const damaged = Buffer.from(progressive);
    const firstScan = damaged.indexOf(Buffer.from([0xff, 0xda]));
    damaged[damaged.indexOf(Buffer.from([0xff, 0xda]), firstScan + 2) + 5] = 9;
    expect(stripJpegMetadata(damaged)).to.not.equal(undefined);
    expect((await sharp(damaged).metadata()).width).to.equal(96);
    let refused: unknown;
    await prepareImage(damaged, 100_000_000).catch((err: unknown) => (refused = err));
    expect(refused).to.be.instanceOf(RefusedImageError);
    expect((refused as Error).message).to.match(/could not be read as an image/);
  });
});
