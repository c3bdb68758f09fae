import { expect } from 'chai';
import { compose } from '../../../server/describers/local/compose';
import { DEFAULT_DESCRIBE_OPTIONS, type DescribeOptions, type PatternSpec } from '../../../server/describers/types';
import { allRecordedSignals, recordedSignals } from '../../helpers/signal-fixtures';

const options = (overrides: Partial<DescribeOptions> = {}): DescribeOptions => ({ ...DEFAULT_DESCRIBE_OPTIONS, ...overrides });
const TEXT_FREE = ['cv_baboon', 'sk_chelsea', 'fa_sample1', 'tf_tennis', 'cv_starry_night', 'dn_eagle'];
/** Words that would state gender, age or identity. */
const PERSONAL = /\b(man|men|woman|women|boy|girl|male|female|lady|guy|child|kid|teen\w*|elderly|old|aged?|years?|messi|celebrity)\b/i;

describe('local describer: compose() on recorded signals', () => {
  const fixtures = allRecordedSignals();

  it('keeps every alt text within the requested length', () => {
    for (const [name, signals] of fixtures) {
      for (const altTextLength of [40, 80, 125, 250]) {
        const alt = compose(signals, options({ altTextLength })).alt_text;
        expect(alt.length, `${name} at ${altTextLength}`).to.be.at.most(altTextLength).and.above(0);
      }
    }
  });

  it('fills every field, marks the result as a draft and never as decorative', () => {
    for (const [name, signals] of fixtures) {
      const d = compose(signals, options());
      for (const field of ['alt_text', 'caption', 'title', 'description', 'filename'] as const) {
        expect(d[field], `${name}.${field}`).to.be.a('string').that.is.not.empty;
      }
      expect(d.decorative).to.equal(false);
      expect(d.manifest).to.equal(null);
      expect(d.provenance).to.include({ describer: 'local', model: 'centernet+blazeface+ppocr-v4', draft: true });
      expect(d.provenance.promptVersion).to.match(/^local-compose-\d+$/);
      expect(d.provenance.notes[0]).to.match(/^Draft written from object, face and text detectors/);
    }
  });

  it('uses an embedded caption that reads as a sentence as the alt text', () => {
    const d = compose(recordedSignals('dn_eagle'), options());
    expect(d.alt_text).to.equal('Young bald eagle standing on the shore of Lake Ontario');
    expect(d.tags.slice(0, 3)).to.deep.equal(['eagle', 'bird', 'lake']);
    expect(d.filename).to.equal('young-bald-eagle-standing-shore-lake-ontario.jpg');
  });

  it('puts a short embedded title in the title and caption, not the alt text', () => {
    const signals = { ...recordedSignals('tf_tennis'), embedded: { caption: 'Club final, day 3' } };
    const d = compose(signals, options());
    expect(d.alt_text).to.not.include('Club final');
    expect(d.title).to.equal('Club final, day 3');
    expect(d.caption).to.include('Club final, day 3');
  });

  it('leads with the text for a screenshot', () => {
    const d = compose(recordedSignals('ss_settings'), options());
    expect(d.alt_text).to.match(/^Screenshot titled “Account Settings” with text such as “Profile, Display name/);
    expect(d.text).to.include('jane.cooper@example.com');
    expect(d.tags).to.include('screenshot');
  });

  it('leads with the text for a document page', () => {
    const d = compose(recordedSignals('cv_imagetext'), options());
    expect(d.alt_text).to.match(/^Page of printed text beginning “technical details are too complex/);
    expect(d.text.split('\n').length).to.be.above(5);
    expect(d.filename).to.match(/^document-technical-details/);
    expect(d.filename).to.match(/\.png$/);
  });

  it('quotes a street sign next to the objects around it', () => {
    const d = compose(recordedSignals('cv_scenetext01'), options());
    expect(d.alt_text).to.match(/people/);
    expect(d.alt_text).to.match(/car/);
    expect(d.alt_text).to.include('“NOTICE DOUBLE PARKING PROHIBITED');
  });

  it('counts people and names only what they do, never who they are', () => {
    const d = compose(recordedSignals('fa_sample1'), options());
    expect(d.alt_text).to.match(/^Three people/);
    for (const [name, signals] of fixtures.filter(([n]) => n !== 'dn_eagle')) {
      const out = compose(signals, options());
      const all = [out.alt_text, out.caption, out.title, out.description, out.tags.join(' '), out.filename].join(' ');
      expect(all, name).to.not.match(PERSONAL);
    }
  });

  it('says smiling only when the faces smile', () => {
    expect(compose(recordedSignals('tf_boy_doughnut'), options()).alt_text).to.match(/^Portrait of a smiling person with a donut/);
    expect(compose(recordedSignals('tf_tennis'), options()).alt_text).to.not.include('smiling');
  });

  it('names the equipment in a sports photo', () => {
    const d = compose(recordedSignals('tf_tennis'), options());
    expect(d.tags).to.include.members(['person', 'tennis racket', 'ball']);
  });

  it('reports no text for images without text', () => {
    for (const name of TEXT_FREE) {
      const d = compose(recordedSignals(name), options());
      expect(d.text, name).to.equal('');
      expect(d.alt_text, name).to.not.include('“');
    }
  });

  it('does not report text too small to notice in a photo (a phone number on a bag)', () => {
    const signals = recordedSignals('tf_tennis');
    const tiny = { text: '(415) 391-9686', confidence: 0.98, box: [0.62, 0.7, 0.12, 0.015] as [number, number, number, number] };
    const d = compose({ ...signals, text: { ...signals.text, lines: [tiny], rawLineCount: 1 } }, options());
    expect(d.text).to.equal('');
    expect(d.alt_text).to.not.include('“');
  });

  it('keeps a misread short word out of the alt text', () => {
    const d = compose(recordedSignals('tf_boy_doughnut'), options());
    expect(d.alt_text).to.not.include('“');
  });

  it('falls back to honest colour words when no known object is in view', () => {
    const d = compose(recordedSignals('cv_baboon'), options());
    expect(d.alt_text).to.match(/^Image with [a-z ]+ tones$/);
    expect(d.description).to.include('None of the objects the offline describer knows were recognised');
    expect(d.tags.every((t) => ['grey', 'blue', 'yellow', 'red', 'green'].includes(t))).to.equal(true);
  });

  it('does not trust a whole-frame animal guess without a face (a painting read as a dog)', () => {
    const d = compose(recordedSignals('cv_starry_night'), options());
    expect(d.alt_text).to.match(/^Image with/);
    expect(d.tags).to.not.include('dog');
  });

  it('says "animal" when a close-up shows a face but the species is uncertain', () => {
    const d = compose(recordedSignals('sk_chelsea'), options());
    expect(d.alt_text).to.equal('Close-up of an animal');
    expect(d.tags).to.not.include('dog');
  });

  it('names a weak guess at a species as "an animal", never a wrong species', () => {
    const dog = recordedSignals('dn_dog');
    expect(compose(dog, options()).alt_text).to.equal('A bicycle, a dog and a car');
    const weak = { ...dog, objects: dog.objects.map((o) => (o.label === 'dog' ? { ...o, score: 0.36 } : o)) };
    const d = compose(weak, options());
    expect(d.alt_text).to.equal('A bicycle, an animal and a car');
    expect(d.tags).to.include('animal').and.not.include('dog');
  });

  it('says the broader kind when two classes of it land on one box (a dog or a cat, a car or a truck)', () => {
    const dog = recordedSignals('dn_dog');
    const both = { ...dog, objects: [...dog.objects, ...dog.objects.filter((o) => o.label === 'dog').map((o) => ({ ...o, label: 'cat', score: o.score - 0.02 }))] };
    expect(compose(both, options()).alt_text).to.equal('A bicycle, an animal and a car');
    const plate = recordedSignals('cv_licenseplate');
    expect(compose(plate, options()).alt_text).to.equal('A car');
    const truck = { ...plate, objects: [...plate.objects, ...plate.objects.filter((o) => o.label === 'car').map((o) => ({ ...o, label: 'truck', score: o.score + 0.05 }))] };
    const d = compose(truck, options());
    expect(d.alt_text).to.equal('A vehicle');
    expect(d.tags).to.include('vehicle').and.not.include('truck');
  });

  it('returns at most tagCount tags', () => {
    for (const [name, signals] of fixtures) {
      expect(compose(signals, options({ tagCount: 3 })).tags.length, name).to.be.at.most(3);
      expect(compose(signals, options({ tagCount: 0 })).tags, name).to.deep.equal([]);
    }
  });

  it('keeps the file extension of the upload and falls back to .jpg', () => {
    const base = recordedSignals('tf_tennis');
    expect(compose({ ...base, originalName: 'IMG_0001.JPEG' }, options()).filename).to.equal('person-tennis-racket-ball.jpeg');
    expect(compose({ ...base, originalName: 'upload' }, options()).filename).to.equal('person-tennis-racket-ball.jpg');
    expect(compose({ ...base, originalName: 'x.exe' }, options()).filename).to.match(/\.jpg$/);
  });

  it('writes English and says so when another language is asked for', () => {
    const d = compose(recordedSignals('tf_tennis'), options({ language: 'de' }));
    expect(d.alt_text).to.equal(compose(recordedSignals('tf_tennis'), options()).alt_text);
    expect(d.provenance.notes.join(' ')).to.include('Written in English');
    expect(compose(recordedSignals('tf_tennis'), options({ language: 'en-GB' })).provenance.notes.join(' ')).to.not.include('Written in English');
  });

  it('fills only the pattern fields it knows and leaves the rest null with a note', () => {
    const pattern: PatternSpec = {
      id: 'p1',
      version: 1,
      name: 'Shop listing',
      instructions: '',
      schema: {
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' } },
          text: { type: 'string' },
          colours: { type: 'array', items: { type: 'string' } },
          objects: { type: 'array', items: { type: 'string' } },
          people_count: { type: 'integer' },
          mood: { type: 'string' },
          price: { type: 'number' },
        },
      },
    };
    const d = compose(recordedSignals('cv_scenetext01'), options({ pattern }));
    expect(d.manifest).to.include({ mood: null, price: null, people_count: 2 });
    expect(d.manifest?.text).to.include('NOTICE');
    expect(d.manifest?.objects).to.include('car');
    expect(d.manifest?.tags).to.deep.equal(d.tags);
    expect(d.manifest?.colours).to.be.an('array').that.is.not.empty;
    expect(d.provenance.notes.join(' ')).to.match(/left these fields of “Shop listing” empty .*mood, price/);
  });

  it('gives the same text for the same signals', () => {
    const signals = recordedSignals('cv_scenetext01');
    expect(compose(signals, options())).to.deep.equal(compose(signals, options()));
  });
});
