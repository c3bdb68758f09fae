import { expect } from 'chai';
import { fileNameFor, truncateAtWord } from '../../../server/describers/output';

describe('alt text and file name limits', () => {
  it('cuts at the last word boundary within the limit', () => {
    expect(truncateAtWord('A red bicycle leaning against a wall', 20)).to.equal('A red bicycle');
    expect(truncateAtWord('Short enough', 20)).to.equal('Short enough');
    expect(truncateAtWord('A red bicycle, leaning', 14)).to.equal('A red bicycle');
  });

  it('cuts inside a word only when there is no reasonable boundary', () => {
    expect(truncateAtWord('Donaudampfschifffahrtsgesellschaft', 10)).to.equal('Donaudampf');
    expect(Array.from(truncateAtWord('猫がソファの上で寝ている写真です', 5))).to.have.length(5);
  });

  it('makes an ASCII slug with the uploaded file\'s extension', () => {
    expect(fileNameFor('Crème brûlée on a plate!', 'IMG_001.JPEG')).to.equal('creme-brulee-on-a-plate.jpeg');
    expect(fileNameFor('Велосипед', 'x.png')).to.equal('image.png');
    expect(fileNameFor('chart.svg', 'upload.exe')).to.equal('chart.jpg');
  });
});
