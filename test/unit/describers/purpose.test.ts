import { expect } from 'chai';
import { applyPurpose, readableTarget, repeats } from '../../../server/describers/purpose';
import { parseRegenerateOptions } from '../../../server/services/describe/control';
import { DEFAULT_DESCRIBE_OPTIONS, type DescribeOptions, type Description } from '../../../server/describers/types';

const written: Description = {
  alt_text: 'A red logo with a white bird',
  caption: 'The company logo.',
  title: 'Logo',
  description: 'A red square logo with a white bird in flight.',
  tags: ['logo'],
  filename: 'logo.png',
  text: '',
  decorative: false,
  manifest: null,
  provenance: { describer: 'local', model: 'm', promptVersion: 'p', inputTokens: null, outputTokens: null, durationMs: 1, draft: true, notes: [] },
};
const options = (extra: Partial<DescribeOptions>): DescribeOptions => ({ ...DEFAULT_DESCRIBE_OPTIONS, context: {}, ...extra });

describe('alt text that fits its purpose (W3C alt decision tree)', () => {
  it('keeps an informative image\'s alt text, and says which rule applied', () => {
    const out = applyPurpose(written, options({}), false);
    expect(out.alt_text).to.equal(written.alt_text);
    expect(out.provenance.notes).to.deep.equal(['Rule applied: informative image, so the alt text gives the information it carries.']);
  });

  it('empties a decorative image\'s alt text whatever the describer wrote', () => {
    const out = applyPurpose(written, options({ purpose: 'decorative' }), true);
    expect(out).to.include({ alt_text: '', decorative: true });
    expect(out.caption).to.equal(written.caption);
    expect(out.provenance.notes[0]).to.match(/decorative image, so the alt text is empty/);
  });

  it('names a linked image\'s destination instead of its looks when the describer sees only the image', () => {
    const out = applyPurpose(written, options({ purpose: 'linked', linkTarget: 'https://www.example.com/about-us/' }), false);
    expect(out.alt_text).to.equal('example.com: about us');
    expect(out.description).to.equal(written.description);
    expect(out.provenance.notes[0]).to.match(/link, so the alt text says where the link goes/);
    expect(applyPurpose(written, options({ purpose: 'functional', linkTarget: 'Search' }), false).alt_text).to.equal('Search');
  });

  it('trusts a model that was told the destination', () => {
    const model = { ...written, alt_text: 'About us' };
    expect(applyPurpose(model, options({ purpose: 'linked', linkTarget: 'https://example.com/about' }), true).alt_text).to.equal('About us');
  });

  it('puts a complex image\'s text and figures into its long description', () => {
    const chart = { ...written, alt_text: 'Bar chart of sales by year', text: '2023 40% 2024 55%' };
    const out = applyPurpose(chart, options({ purpose: 'complex' }), false);
    expect(out.alt_text).to.equal('Bar chart of sales by year');
    expect(out.description).to.include('Text and figures in the image: 2023 40% 2024 55%');
  });

  it('empties alt text that only repeats the text beside the image, and keeps alt text that adds to it', () => {
    const redundant = applyPurpose(written, options({ surroundingText: 'Our red logo: a white bird on red, since 1990.' }), false);
    expect(redundant.alt_text).to.equal('');
    expect(redundant.provenance.notes[0]).to.match(/already says what it shows/);
    const adds = applyPurpose(written, options({ surroundingText: 'Contact us for the press kit.' }), false);
    expect(adds.alt_text).to.equal(written.alt_text);
  });

  it('reads destinations and repetition as a person would', () => {
    expect(readableTarget('https://shop.example/')).to.equal('shop.example home page');
    expect(readableTarget('Pricing page')).to.equal('Pricing page');
    expect(readableTarget('mailto:a@b.c')).to.equal('mailto:a@b.c');
    expect(repeats('A dog runs on the beach at dawn', 'Dog runs on beach')).to.equal(true);
    expect(repeats('A dog runs on the beach at dawn', 'A cat sleeps on a sofa')).to.equal(false);
  });

  it('is taken by "describe again" for one image, with its destination', () => {
    expect(parseRegenerateOptions({ purpose: 'functional', linkTarget: 'Print this page', style: '' })).to.deep.equal({ purpose: 'functional', linkTarget: 'Print this page' });
    expect(() => parseRegenerateOptions({ purpose: 'ornamental' })).to.throw(/purpose/);
  });
});
