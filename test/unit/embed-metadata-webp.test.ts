import { expect } from 'chai';
import sharp from 'sharp';
import { fixture } from '../helpers/image-fixtures';
import { exiftool, exiftoolWrite, pixels } from '../helpers/exiftool';
import { EmbedError, embedMetadata, type EmbeddedFields } from '../../server/services/embed-metadata';

const FIELDS: EmbeddedFields = {
  altText: 'A dog lying on a rug',
  extendedDescription: 'A brown dog lies on a striped rug, looking at the camera.',
  caption: 'Resting.',
  title: 'Dog on a rug',
  tags: ['dog', 'rug'],
  language: 'de',
};

/** The RIFF chunk types in file order, and whether the RIFF size covers the file exactly. */
function chunkTypes(bytes: Buffer): { types: string[]; sizeRight: boolean } {
  const types: string[] = [];
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    types.push(bytes.toString('latin1', offset, offset + 4));
    const size = bytes.readUInt32LE(offset + 4);
    offset += 8 + size + (size % 2);
  }
  return { types, sizeRight: bytes.readUInt32LE(4) + 8 === bytes.length && offset === bytes.length };
}

describe('writing the text into WebP files', function () {
  this.timeout(30_000);

  it('adds a VP8X chunk with the canvas size to a simple lossy WebP, and an XMP chunk exiftool reads', async () => {
    const original = await sharp(fixture('dog.jpg')).webp().toBuffer();
    expect(chunkTypes(original).types).to.deep.equal(['VP8 ']);
    const written = embedMetadata(original, FIELDS);
    expect(chunkTypes(written)).to.deep.equal({ types: ['VP8X', 'VP8 ', 'XMP '], sizeRight: true });
    const tags = exiftool(written, 'webp');
    const { width, height } = await sharp(original).metadata();
    expect(tags).to.include({
      'File:FileType': 'Extended WEBP',
      'RIFF:WebP_Flags': 'XMP',
      'RIFF:ImageWidth': width,
      'RIFF:ImageHeight': height,
      'XMP-iptcCore:AltTextAccessibility': FIELDS.altText,
      'XMP-iptcCore:AltTextAccessibility-de': FIELDS.altText,
      'XMP-iptcCore:ExtDescrAccessibility': FIELDS.extendedDescription,
      'XMP-dc:Description': FIELDS.caption,
      'XMP-dc:Title': FIELDS.title,
      'XMP-photoshop:Headline': FIELDS.title,
    });
    expect(tags['XMP-dc:Subject']).to.deep.equal(FIELDS.tags);
    expect(tags).to.not.have.property('ExifTool:Warning');
    expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
  });

  it('reads the canvas of a simple lossless WebP with transparency from its VP8L header, keeping the alpha', async () => {
    const original = await sharp({ create: { width: 37, height: 21, channels: 4, background: { r: 200, g: 10, b: 90, alpha: 0.5 } } }).webp({ lossless: true }).toBuffer();
    expect(chunkTypes(original).types).to.deep.equal(['VP8L']);
    const written = embedMetadata(original, FIELDS);
    expect(chunkTypes(written)).to.deep.equal({ types: ['VP8X', 'VP8L', 'XMP '], sizeRight: true });
    const tags = exiftool(written, 'webp');
    expect(tags).to.include({ 'RIFF:ImageWidth': 37, 'RIFF:ImageHeight': 21, 'RIFF:WebP_Flags': 'XMP, Alpha', 'XMP-dc:Title': FIELDS.title });
    expect((await sharp(written).metadata()).hasAlpha).to.equal(true);
    expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
  });

  it('sets the flag of an extended WebP and replaces its XMP chunk, keeping ICC and EXIF in the order the spec requires', async () => {
    const extended = await sharp(fixture('eagle-gps.jpg')).keepExif().keepIccProfile().webp().toBuffer();
    const original = exiftoolWrite(extended, 'webp', ['-XMP-dc:Title=An older title']);
    expect(chunkTypes(original).types).to.deep.equal(['VP8X', 'ICCP', 'VP8 ', 'EXIF', 'XMP ']);
    const before = exiftool(original, 'webp');
    const written = embedMetadata(original, FIELDS);
    expect(chunkTypes(written)).to.deep.equal({ types: ['VP8X', 'ICCP', 'VP8 ', 'EXIF', 'XMP '], sizeRight: true });
    const tags = exiftool(written, 'webp');
    expect(tags).to.include({ 'RIFF:WebP_Flags': 'XMP, EXIF, ICC Profile', 'XMP-dc:Title': FIELDS.title, 'XMP-iptcCore:AltTextAccessibility': FIELDS.altText });
    for (const kept of ['IFD0:Make', 'GPS:GPSLatitude', 'ICC_Profile:ProfileDescription', 'RIFF:ImageWidth']) expect(tags[kept], kept).to.equal(before[kept]);
    expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
  });

  it('sets the XMP flag on an extended WebP that had none, adding the chunk after EXIF', async () => {
    const original = await sharp(fixture('eagle-gps.jpg')).keepExif().webp().toBuffer();
    expect(chunkTypes(original).types).to.deep.equal(['VP8X', 'VP8 ', 'EXIF']);
    const written = embedMetadata(original, FIELDS);
    expect(chunkTypes(written).types).to.deep.equal(['VP8X', 'VP8 ', 'EXIF', 'XMP ']);
    expect(exiftool(written, 'webp')).to.include({ 'RIFF:WebP_Flags': 'XMP, EXIF', 'XMP-dc:Title': FIELDS.title });
  });

  it('refuses a cut-short or inconsistent WebP with a reason, and changes nothing', async () => {
    const original = await sharp(fixture('dog.jpg')).webp().toBuffer();
    const cut = Buffer.from(original.subarray(0, 200));
    const copy = Buffer.from(cut);
    expect(() => embedMetadata(cut, FIELDS)).to.throw(EmbedError, /WebP file is damaged or cut short/);
    expect(cut.equals(copy)).to.equal(true);
    const lying = Buffer.from(original);
    lying.writeUInt32LE(original.length * 2, 16); // the VP8 chunk claims more than the file holds
    expect(() => embedMetadata(lying, FIELDS)).to.throw(EmbedError, /damaged or cut short/);
    const noStartCode = Buffer.from(original);
    noStartCode[23] = 0; // the VP8 start code, where the canvas size is read from
    expect(() => embedMetadata(noStartCode, FIELDS)).to.throw(EmbedError, /damaged or cut short/);
  });
});
