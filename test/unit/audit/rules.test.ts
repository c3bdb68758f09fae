import { expect } from 'chai';
import { checkAltText, checkAltTexts, type AltTextFacts } from '../../../server/services/audit/rules';

const facts = (altText: string, more: Partial<AltTextFacts> = {}): AltTextFacts => ({ altText, decorative: false, limit: 125, ...more });
const rules = (altText: string, more: Partial<AltTextFacts> = {}) => checkAltText(facts(altText, more)).map((f) => f.rule);

describe('alt text checks', () => {
  it('passes good alt text', () => {
    expect(rules('A golden retriever catches a red frisbee in a park')).to.deep.equal([]);
    expect(rules('Bar chart: sales rose from 2 to 5 million between 2020 and 2024', { imageText: 'Sales 2020 2024' })).to.deep.equal([]);
  });

  it('flags empty alt text on an informative image, not on a decorative one', () => {
    expect(rules('')).to.deep.equal(['empty']);
    expect(rules('   ')).to.deep.equal(['empty']);
    expect(rules('', { decorative: true })).to.deep.equal([]);
  });

  it('flags a file name, and a camera\'s name for a file', () => {
    expect(rules('IMG_4032.JPG')).to.include('file_name');
    expect(rules('DSC_0017')).to.include('file_name');
    expect(rules('summer-sale-banner', { fileName: 'summer-sale-banner.png' })).to.include('file_name');
    expect(rules('Summer sale banner with a beach', { fileName: 'summer-sale-banner.png' })).to.not.include('file_name');
    expect(rules('A photo album on a desk')).to.not.include('file_name');
  });

  it('flags "image of" and its kin at the start only', () => {
    for (const alt of ['Image of a cat on a sofa', 'A picture of a cat', 'Photo showing a cat', 'graphic depicting a cat']) expect(rules(alt), alt).to.include('preamble');
    expect(rules('A cat looks at a picture of a fish')).to.not.include('preamble');
  });

  it('flags text over the limit and under five characters', () => {
    expect(rules('x'.repeat(126))).to.include('too_long');
    expect(rules('x'.repeat(125))).to.not.include('too_long');
    expect(rules('Dog')).to.include('too_short');
    expect(rules('A dog')).to.not.include('too_short');
  });

  it('flags keyword lists and a keyword said again and again', () => {
    expect(rules('dog, dog toy, puppy, pet supplies, cute dog')).to.include('keyword_stuffing');
    expect(rules('Cheap shoes, best shoes, buy shoes online today')).to.include('keyword_stuffing');
    expect(rules('A dog, a cat and a rabbit share a sunny garden')).to.not.include('keyword_stuffing');
  });

  it('flags all capitals, not a short acronym', () => {
    expect(rules('SALE ENDS FRIDAY AT MIDNIGHT')).to.include('all_capitals');
    expect(rules('The NASA logo on a white wall')).to.not.include('all_capitals');
  });

  it('flags a web address', () => {
    expect(rules('Our shop at https://shop.example.com/summer')).to.include('url');
    expect(rules('Visit www.example.org for more')).to.include('url');
    expect(rules('A map of the old town')).to.not.include('url');
  });

  it('flags text in the image that the alt text leaves out, and "decorative" on an image with text', () => {
    expect(rules('A shop window', { imageText: 'Closing down sale' })).to.include('missing_text');
    expect(rules('A shop window with a closing down sale poster', { imageText: 'Closing down sale' })).to.not.include('missing_text');
    expect(rules('', { decorative: true, imageText: 'Free shipping' })).to.deep.equal(['decorative_with_text']);
  });

  it('flags the same alt text on different images, and not a single one', () => {
    const found = checkAltTexts([
      { key: 'a', facts: facts('A red bicycle') },
      { key: 'b', facts: facts('a red bicycle ') },
      { key: 'c', facts: facts('A blue bicycle') },
    ]);
    expect(found.get('a')!.map((f) => f.rule)).to.deep.equal(['duplicate']);
    expect(found.get('b')!.map((f) => f.rule)).to.deep.equal(['duplicate']);
    expect(found.get('c')).to.deep.equal([]);
  });

  it('gives every finding a reason in words', () => {
    const findings = checkAltText(facts('IMAGE OF HTTP://X.EXAMPLE, DOG, DOG, DOG'));
    expect(findings.map((f) => f.rule)).to.include.members(['preamble', 'url', 'keyword_stuffing', 'all_capitals']);
    for (const finding of findings) {
      expect(finding.message).to.match(/^[A-Z].{20,}\.$/);
      expect(finding.label.length).to.be.greaterThan(0);
    }
  });
});
