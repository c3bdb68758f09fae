import { expect } from 'chai';
import sharp from 'sharp';
import { fixture } from '../helpers/image-fixtures';
import { exiftool, exiftoolWrite, pixels } from '../helpers/exiftool';
import { EmbedError, embedMetadata, type EmbeddedFields } from '../../server/services/embed-metadata';

const FIELDS: EmbeddedFields = {
  altText: 'Two small coloured squares',
  extendedDescription: 'A tiny test image of coloured pixels.',
  caption: 'Test card.',
  title: 'Pixels',
  tags: ['test'],
  language: 'fr',
};

/**
 * A two-page, uncompressed 3×2 RGB TIFF in the given byte order, laid out by hand (libvips writes
 * only the machine's order): header, then per page its pixels, BitsPerSample values and directory.
 */
function handMadeTiff(order: 'II' | 'MM'): Buffer {
  const le = order === 'II';
  const parts: Buffer[] = [];
  let size = 8;
  const header = Buffer.alloc(8);
  header.write(order, 0, 'latin1');
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  u16(header, 42, 2);
  parts.push(header);
  const directories: { buffer: Buffer; at: number }[] = [];
  for (const shade of [40, 200]) {
    const pixelsAt = size;
    const data = Buffer.from(Array.from({ length: 18 }, (_, i) => (shade + i * 3) % 256));
    const bitsAt = pixelsAt + data.length;
    const bits = Buffer.alloc(6);
    [0, 2, 4].forEach((at) => u16(bits, 8, at));
    const entries: [number, number, number, number][] = [
      [256, 3, 1, 3], [257, 3, 1, 2], [258, 3, 3, bitsAt], [259, 3, 1, 1], [262, 3, 1, 2],
      [273, 4, 1, pixelsAt], [277, 3, 1, 3], [278, 3, 1, 2], [279, 4, 1, 18],
    ];
    const directory = Buffer.alloc(2 + entries.length * 12 + 4);
    u16(directory, entries.length, 0);
    entries.forEach(([tag, type, count, value], i) => {
      const at = 2 + i * 12;
      u16(directory, tag, at);
      u16(directory, type, at + 2);
      u32(directory, count, at + 4);
      if (type === 3 && count === 1) u16(directory, value, at + 8);
      else u32(directory, value, at + 8);
    });
    const directoryAt = bitsAt + bits.length;
    directories.push({ buffer: directory, at: directoryAt });
    parts.push(data, bits, directory);
    size = directoryAt + directory.length;
  }
  u32(header, directories[0]!.at, 4);
  u32(directories[0]!.buffer, directories[1]!.at, directories[0]!.buffer.length - 4);
  return Buffer.concat(parts);
}

describe('writing the text into TIFF files', function () {
  this.timeout(30_000);

  for (const order of ['II', 'MM'] as const) {
    it(`writes tag 700 that exiftool reads into a ${order === 'II' ? 'little' : 'big'}-endian TIFF, keeping both pages' pixels`, async () => {
      const original = handMadeTiff(order);
      expect((await sharp(original).metadata()).pages).to.equal(2);
      const written = embedMetadata(original, FIELDS);
      expect(written.subarray(8, original.length).equals(original.subarray(8)), 'nothing already in the file moved').to.equal(true);
      const tags = exiftool(written, 'tif');
      expect(tags).to.not.have.property('ExifTool:Warning');
      expect(tags).to.include({
        'XMP-iptcCore:AltTextAccessibility': FIELDS.altText,
        'XMP-iptcCore:AltTextAccessibility-fr': FIELDS.altText,
        'XMP-dc:Title': FIELDS.title,
        'XMP-photoshop:Headline': FIELDS.title,
        'IFD0:ImageWidth': 3,
      });
      expect((await sharp(written).metadata()).pages).to.equal(2);
      for (const page of [0, 1]) {
        expect((await sharp(written, { page }).raw().toBuffer()).equals(await sharp(original, { page }).raw().toBuffer()), `page ${page}`).to.equal(true);
      }
    });
  }

  it('keeps the Exif and another tool\'s XMP of a TIFF written by libvips, replacing ours', async () => {
    const tiff = await sharp(fixture('dog.jpg')).tiff({ compression: 'lzw' }).toBuffer();
    const original = exiftoolWrite(tiff, 'tif', ['-IFD0:Make=Canon', '-XMP-xmp:Rating=5', '-XMP-dc:Title=Older']);
    const written = embedMetadata(embedMetadata(original, { ...FIELDS, title: 'First' }), FIELDS);
    const tags = exiftool(written, 'tif');
    expect(tags).to.include({ 'IFD0:Make': 'Canon', 'XMP-xmp:Rating': 5, 'XMP-dc:Title': FIELDS.title, 'XMP-dc:Description': FIELDS.caption });
    expect(tags).to.not.have.property('ExifTool:Warning');
    expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
  });

  it('refuses BigTIFF with a pointer to the sidecar, and a TIFF whose directory lies past its end', () => {
    const big = Buffer.from('II\x2b\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00', 'latin1');
    expect(() => embedMetadata(big, FIELDS)).to.throw(EmbedError, /BigTIFF.*--sidecar/);
    const cut = handMadeTiff('MM').subarray(0, 60);
    expect(() => embedMetadata(cut, FIELDS)).to.throw(EmbedError, /TIFF file is damaged or cut short/);
  });
});
