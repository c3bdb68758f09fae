import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { fixture } from '../helpers/image-fixtures';
import { exiftool } from '../helpers/exiftool';
import { writeText } from '../../server/cli/write-text';
import { embedInJpeg } from '../../server/services/embed-metadata/containers';
import type { Description } from '../../server/describers/types';

const DESCRIPTION = {
  alt_text: 'A dog lying on a rug', caption: 'Resting.', title: 'Dog on a rug', description: 'A brown dog.', tags: ['dog'],
  filename: 'dog.jpg', text: '', decorative: false, manifest: null,
} as unknown as Description;

describe('the command line writing text into a copy', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-write-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says which file had an XMP packet it could not merge into, and why, and writes the text anyway', () => {
    const broken = embedInJpeg(fixture('dog.jpg'), () => '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description></rdf:RDF></x:xmpmeta>');
    fs.writeFileSync(path.join(dir, 'dog.jpg'), broken);
    const outDir = path.join(dir, 'out');
    const notes = writeText({ mode: 'out-dir', outDir }, dir, 'dog.jpg', broken, DESCRIPTION, 'en');
    expect(notes).to.deep.equal(['its XMP metadata could not be read (its tags do not match), so it was replaced, not merged']);
    expect(exiftool(fs.readFileSync(path.join(outDir, 'dog.jpg')), 'jpg')['XMP-iptcCore:AltTextAccessibility']).to.equal('A dog lying on a rug');
    expect(fs.readFileSync(path.join(dir, 'dog.jpg')).equals(broken), 'the original is untouched').to.equal(true);
    expect(writeText({ mode: 'out-dir', outDir }, dir, 'dog.jpg', fixture('dog.jpg'), DESCRIPTION, 'en')).to.deep.equal([]);
  });
});
