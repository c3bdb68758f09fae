import { expect } from 'chai';
import { pageLanguage } from '../../../server/services/ingest/page-language';
import { parseDescribeOptions } from '../../../server/services/ingest/options';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../../server/describers/types';

describe('the language of the page', () => {
  it('reads the language of text beside an image, among the languages offered', () => {
    expect(pageLanguage('Unser neues Fahrrad für die Stadt: leicht, schnell und sicher.')).to.equal('de');
    expect(pageLanguage('Le vélo rouge est garé devant la boulangerie du quartier.')).to.equal('fr');
    expect(pageLanguage('O prefeito abriu a nova biblioteca na segunda-feira.')).to.equal('pt');
    expect(pageLanguage('Biblioteket åpnet mandag med nye bøker for barn og unge.')).to.equal('nb');
    expect(pageLanguage('市長が月曜日に新しい図書館を開館しました。')).to.equal('ja');
    expect(pageLanguage('The mayor opened the new library on Monday.')).to.equal('en');
  });

  it('says nothing of text too short to tell', () => {
    expect(pageLanguage('Neu!')).to.equal(undefined);
    expect(pageLanguage('12345 67890 !!!')).to.equal(undefined);
  });

  it('sets the output language from the text beside the images, else the page title, else refuses', () => {
    const base = { ...DEFAULT_DESCRIBE_OPTIONS, context: {} };
    expect(parseDescribeOptions({ language: 'page', surrounding_text: 'Nuestra tienda abre el lunes con ofertas en bicicletas' }, base)).to.include({ language: 'es', languageFromPage: true });
    expect(parseDescribeOptions({ language: 'page', context_title: 'Il sindaco ha aperto la nuova biblioteca lunedì' }, base)).to.include({ language: 'it', languageFromPage: true });
    expect(parseDescribeOptions({ language: 'page', surrounding_text: 'OK' }, { ...base, language: 'nl' })).to.include({ language: 'nl', languageFromPage: false });
    expect(() => parseDescribeOptions({ language: 'page' }, base)).to.throw(/give the text beside the images/);
    expect(parseDescribeOptions({ language: 'de' }, base)).not.to.have.property('languageFromPage');
  });
});
