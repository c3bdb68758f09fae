import { expect } from 'chai';
import { blindOrder } from '../../../server/services/compare/results';
import { costOf } from '../../../server/services/compare/job';

describe('the blind order of a comparison\'s results', () => {
  const results = ['fast', 'slow'];

  it('is the same on every visit of one reviewer to one image', () => {
    expect(blindOrder(results, 'cmp_1', 'img_1', 7)).to.deep.equal(blindOrder(results, 'cmp_1', 'img_1', 7));
  });

  it('puts each describer first for some images, so a position does not give it away', () => {
    const firsts = new Set(Array.from({ length: 20 }, (_, i) => blindOrder(results, 'cmp_1', `img_${i}`, 7)[0]));
    expect(firsts).to.deep.equal(new Set(['fast', 'slow']));
  });

  it('keeps every result, once', () => {
    expect(blindOrder(['a', 'b', 'c', 'd'], 'cmp_2', 'img_1', 1).sort()).to.deep.equal(['a', 'b', 'c', 'd']);
  });
});

describe('the cost of a result', () => {
  it('is tokens times the prices per million, and nothing without usage', () => {
    expect(costOf({ priceInputPerM: 2.5, priceOutputPerM: 10 }, 1000, 200)).to.be.closeTo(0.0045, 1e-12);
    expect(costOf({ priceInputPerM: 2.5, priceOutputPerM: 10 }, null, null)).to.equal(0);
  });
});
