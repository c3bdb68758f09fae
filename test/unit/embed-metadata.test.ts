import { expect } from 'chai';
import { fixture } from '../helpers/image-fixtures';
import { exiftool, pixels } from '../helpers/exiftool';
import { EmbedError, embedMetadata, type EmbeddedFields } from '../../server/services/embed-metadata';

const FIELDS: EmbeddedFields = {
  altText: 'A bald eagle on a branch & "sky" <above>',
  extendedDescription: 'An adult bald eagle perched on a bare branch against a pale sky.',
  caption: 'Eagle at the lake.',
  title: 'Bald eagle',
  tags: ['eagle', 'bird'],
  language: 'en-GB',
};

describe('writing the text into image files', function () {
  this.timeout(30_000);

  it('writes the IPTC accessibility fields and the rest into a JPEG, keeping its Exif and its pixels', async () => {
    const original = fixture('eagle-gps.jpg');
    const written = embedMetadata(original, FIELDS);
    const tags = exiftool(written, 'jpg');
    expect(tags).to.include({
      'XMP-iptcCore:AltTextAccessibility': FIELDS.altText,
      'XMP-iptcCore:AltTextAccessibility-en-GB': FIELDS.altText,
      'XMP-iptcCore:ExtDescrAccessibility': FIELDS.extendedDescription,
      'XMP-dc:Description': FIELDS.caption,
      'XMP-dc:Title': FIELDS.title,
      'XMP-photoshop:Headline': FIELDS.title,
    });
    expect(tags['XMP-dc:Subject']).to.deep.equal(['eagle', 'bird']);
    const before = exiftool(original, 'jpg');
    expect(tags['IFD0:Make']).to.equal(before['IFD0:Make']);
    expect(tags['GPS:GPSLatitude']).to.equal(before['GPS:GPSLatitude']);
    expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
  });

  it('replaces its own earlier packet instead of adding a second one, in a JPEG and in a PNG', async () => {
    for (const [name, ext] of [['dog.jpg', 'jpg'], ['cat.png', 'png']] as const) {
      const once = embedMetadata(fixture(name), FIELDS);
      const twice = embedMetadata(once, { ...FIELDS, altText: 'A second text' });
      expect(exiftool(twice, ext)['XMP-iptcCore:AltTextAccessibility'], name).to.equal('A second text');
      expect(twice.toString('latin1').split('http://ns.adobe.com/xap/1.0/').length - 1 + twice.toString('latin1').split('XML:com.adobe.xmp').length - 1, name).to.equal(1);
      expect((await pixels(twice)).equals(await pixels(fixture(name))), name).to.equal(true);
    }
  });

  it('writes into a PNG as an iTXt chunk that exiftool reads, keeping the pixels', async () => {
    const written = embedMetadata(fixture('cat.png'), FIELDS);
    expect(exiftool(written, 'png')).to.include({ 'XMP-iptcCore:AltTextAccessibility': FIELDS.altText, 'XMP-dc:Title': FIELDS.title });
    expect((await pixels(written)).equals(await pixels(fixture('cat.png')))).to.equal(true);
  });

  it('refuses a damaged or unsupported file with a reason, and changes nothing', () => {
    const jpeg = fixture('dog.jpg');
    const cut = Buffer.from(jpeg.subarray(0, 400));
    const copy = Buffer.from(cut);
    expect(() => embedMetadata(cut, FIELDS)).to.throw(EmbedError, /cut short/);
    expect(() => embedMetadata(Buffer.from(jpeg.subarray(0, 30)), FIELDS)).to.throw(EmbedError, /damaged or cut short/);
    expect(cut.equals(copy)).to.equal(true);
    expect(() => embedMetadata(fixture('cat.png').subarray(0, 200), FIELDS)).to.throw(EmbedError, /PNG file is (damaged|cut short)/);
    expect(() => embedMetadata(Buffer.from('RIFF0000WEBPVP8 '), FIELDS)).to.throw(EmbedError, /WebP file is damaged or cut short/);
    expect(() => embedMetadata(Buffer.from('GIF89a'), FIELDS)).to.throw(EmbedError, /Only JPEG, PNG, WebP and TIFF/);
    expect(() => embedMetadata(fixture('dog.jpg'), { ...FIELDS, extendedDescription: 'x'.repeat(70_000) })).to.throw(EmbedError, /too long/);
  });
});
