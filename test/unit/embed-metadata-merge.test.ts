import { expect } from 'chai';
import { fixture } from '../helpers/image-fixtures';
import { exiftool, exiftoolWrite, pixels } from '../helpers/exiftool';
import { embedMetadata, type EmbeddedFields } from '../../server/services/embed-metadata';
import { embedInJpeg } from '../../server/services/embed-metadata/containers';

const FIELDS: EmbeddedFields = {
  altText: 'A dog lying on a rug',
  extendedDescription: 'A brown dog lies on a striped rug.',
  caption: 'Resting.',
  title: 'Dog on a rug',
  tags: ['dog', 'rug'],
  language: 'en',
};

/** What a photo manager wrote before us: its own fields, and older values of ours. */
const PHOTO_MANAGER = ['-XMP-xmp:Rating=4', '-XMP-dc:Creator=Ann Example', '-XMP-lr:HierarchicalSubject=Animals|Dogs', '-XMP-dc:Title=An older title', '-XMP-dc:Subject=old tag', '-XMP-photoshop:City=Toronto'];

const count = (bytes: Buffer, text: string) => bytes.toString('latin1').split(text).length - 1;

describe('writing the text into a file that already has XMP', function () {
  this.timeout(30_000);

  for (const [name, ext] of [['dog.jpg', 'jpg'], ['cat.png', 'png']] as const) {
    it(`keeps another tool's fields and replaces ours, in a ${ext.toUpperCase()}`, async () => {
      const original = exiftoolWrite(fixture(name), ext, PHOTO_MANAGER);
      const notes: string[] = [];
      const written = embedMetadata(original, FIELDS, (reason) => notes.push(reason));
      const tags = exiftool(written, ext);
      expect(tags).to.include({
        'XMP-xmp:Rating': 4,
        'XMP-photoshop:City': 'Toronto',
        'XMP-dc:Title': FIELDS.title,
        'XMP-iptcCore:AltTextAccessibility': FIELDS.altText,
      });
      expect(tags['XMP-dc:Creator']).to.deep.equal(['Ann Example']);
      expect(tags['XMP-lr:HierarchicalSubject']).to.deep.equal(['Animals|Dogs']);
      expect(tags['XMP-dc:Subject']).to.deep.equal(FIELDS.tags);
      expect(notes).to.deep.equal([]);
      expect((await pixels(written)).equals(await pixels(original))).to.equal(true);
    });
  }

  it('leaves one description of ours when the text is written twice', () => {
    const original = exiftoolWrite(fixture('dog.jpg'), 'jpg', PHOTO_MANAGER);
    const twice = embedMetadata(embedMetadata(original, FIELDS), { ...FIELDS, title: 'A second title', tags: ['cat'] });
    const tags = exiftool(twice, 'jpg');
    expect(tags).to.include({ 'XMP-dc:Title': 'A second title', 'XMP-xmp:Rating': 4 });
    expect(tags['XMP-dc:Subject']).to.deep.equal(['cat']);
    expect(count(twice, 'xmlns:Iptc4xmpCore=')).to.equal(1);
    expect(count(twice, 'http://ns.adobe.com/xap/1.0/\0')).to.equal(1);
  });

  it('recognises our fields written as attributes under another prefix, and keeps the rest of that description', () => {
    const packet = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
      + '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:ps="http://ns.adobe.com/photoshop/1.0/" xmp:Rating="3" ps:Headline="Old headline" ps:City="Oslo &gt; centre"/>'
      + '</rdf:RDF></x:xmpmeta>';
    const original = embedInJpeg(fixture('dog.jpg'), () => packet);
    expect(exiftool(original, 'jpg')).to.include({ 'XMP-photoshop:Headline': 'Old headline' });
    const written = embedMetadata(original, FIELDS);
    expect(count(written, 'Old headline'), 'the older headline is gone, not shadowed').to.equal(0);
    const tags = exiftool(written, 'jpg');
    expect(tags).to.include({ 'XMP-xmp:Rating': 3, 'XMP-photoshop:Headline': FIELDS.title, 'XMP-photoshop:City': 'Oslo > centre' });
  });

  it('replaces a packet it cannot read, and says why, rather than writing a broken one', () => {
    const broken = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:Rating>2</rdf:Description></rdf:RDF></x:xmpmeta>';
    const original = embedInJpeg(fixture('dog.jpg'), () => broken);
    const notes: string[] = [];
    const tags = exiftool(embedMetadata(original, FIELDS, (reason) => notes.push(reason)), 'jpg');
    expect(notes).to.have.length(1);
    expect(notes[0]).to.match(/could not be read \(its tags do not match\), so it was replaced, not merged/);
    expect(tags).to.include({ 'XMP-dc:Title': FIELDS.title, 'XMP-iptcCore:AltTextAccessibility': FIELDS.altText });
    expect(tags).to.not.have.property('XMP-xmp:Rating');
  });
});
