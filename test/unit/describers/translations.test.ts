import { expect } from 'chai';
import { parseTranslation } from '../../../server/describers/translations';
import { parseAlsoIn } from '../../../server/services/ingest/options';
import { recordsToCsv, type ExportRecord } from '../../../server/services/exports';
import { parseCsv } from '../../helpers/csv';

const source = { alt_text: 'A red bicycle', caption: 'By the wall.', title: 'Bicycle', description: '' };

describe('a result in more languages', () => {
  it('takes up to 5 more language codes we offer, from a form or a list, leaving out the output language', () => {
    expect(parseAlsoIn('de, fr  de,en', 'en')).to.deep.equal(['de', 'fr']);
    expect(parseAlsoIn(['es'], 'en')).to.deep.equal(['es']);
    expect(parseAlsoIn('', 'en')).to.deep.equal([]);
    expect(() => parseAlsoIn('de, klingon', 'en')).to.throw('"klingon" is not a language we offer');
    expect(() => parseAlsoIn('de fr es it nl pt', 'en')).to.throw('at most 5 more languages');
  });

  it('reads a model\'s translation, capping the alt text and keeping empty fields empty', () => {
    const answer = JSON.stringify({ alt_text: 'Ein rotes Fahrrad an einer alten Mauer in der Sonne', caption: 'An der Mauer.', title: 'Fahrrad', description: 'erfunden' });
    expect(parseTranslation(answer, source, 20)).to.deep.equal({ alt_text: 'Ein rotes Fahrrad an', caption: 'An der Mauer.', title: 'Fahrrad', description: '' });
    expect(() => parseTranslation('{"alt_text": 3}', source, 20)).to.throw(/could not read/);
  });

  it('exports each language as columns of its own', () => {
    const record = (id: string, translations: ExportRecord['translations']) => ({
      id, batch_id: 'b', original_name: `${id}.jpg`, status: 'done', error: null, alt_text: 'A', caption: null, title: null, description: null, tags: [],
      filename: null, text: null, decorative: false, manifest: null, edited: false, reviewed: false, created_at: '2026-12-05T00:00:00.000Z',
      deletion_receipt: null, provenance: null, checks: [], translations,
    }) as ExportRecord;
    const rows = parseCsv(recordsToCsv([record('one', { fr: { ...source, alt_text: 'Un vélo rouge' } }), record('two', {})]));
    const header = rows[0]!;
    expect(header.slice(-4)).to.deep.equal(['alt_text_fr', 'caption_fr', 'title_fr', 'description_fr']);
    expect(rows[1]![header.indexOf('alt_text_fr')]).to.equal('Un vélo rouge');
    expect(rows[2]![header.indexOf('alt_text_fr')]).to.equal('');
  });
});
