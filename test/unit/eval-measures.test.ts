import { expect } from 'chai';
import { mainNoun, wrongSubject, type Label } from '../../scripts/eval/measures';

const label = (coco: string[], other: string[] = []): Label => ({ category: 'photo', coco, coco_ok: [], other_objects: other, text: '', text_minor: '', description: '' });

describe('the evaluation\'s wrong-subject measure', () => {
  it('takes the first object the alt text names as its main noun', () => {
    expect(mainNoun('A dog sitting next to a red bicycle')).to.equal('dog');
    expect(mainNoun('Two people and a sports ball on grass')).to.equal('person');
    expect(mainNoun('A cell phone on a table')).to.equal('cell phone');
    expect(mainNoun('An animal in tall grass')).to.equal('animal');
    expect(mainNoun('Image with grey and blue tones')).to.equal(undefined);
    expect(mainNoun('Page of printed text beginning “the book itself”')).to.equal(undefined);
  });

  it('counts a main noun that is not in the image, and "animal" only where there is none', () => {
    expect(wrongSubject('A cat on a sofa', label(['dog', 'couch']))).to.equal('cat');
    expect(wrongSubject('A dog on a sofa', label(['dog', 'couch']))).to.equal(undefined);
    expect(wrongSubject('An animal in the grass', label(['sheep']))).to.equal(undefined);
    expect(wrongSubject('An animal on a desk', label(['laptop']))).to.equal('animal');
    expect(wrongSubject('Grey and blue tones', label(['bird']))).to.equal(undefined);
  });
});
