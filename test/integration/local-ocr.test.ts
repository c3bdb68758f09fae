import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createPaddleOcr, type OcrEngine } from '../../server/describers/local/detect/paddle-ocr';
import { decodeImage } from '../../server/describers/local/detect/decode';
import { FIXTURES } from '../helpers/signal-fixtures';

const read = async (ocr: OcrEngine, name: string, smallPrint = false) =>
  ocr.read(await decodeImage(fs.readFileSync(path.join(FIXTURES, 'images', name))), { smallPrint });

interface Slide {
  file: string;
  font: string;
  lines: [number, string][];
}
const SLIDES = (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'slides', 'slides.json'), 'utf8')) as { slides: Slide[] }).slides;
const words = (text: string) => text.toLowerCase().split(/\s+/).filter(Boolean);

describe('local describer: PaddleOCR on onnxruntime', function () {
  this.timeout(30_000);
  let ocr: OcrEngine;
  before(async () => {
    ocr = await createPaddleOcr();
  });
  after(() => ocr.close());

  it('reads the text regions of a screenshot, spaces included', async () => {
    const text = await read(ocr, 'screenshot-settings.png', true);
    expect(text.regions).to.be.at.least(8);
    const lines = text.lines.map((l) => l.text);
    expect(lines).to.include.members(['Account Settings', 'jane.cooper@example.com', 'Europe/Berlin']);
    expect(lines.join(' ')).to.include('Changes are applied to all devices');
  });

  it('runs no recognition where the detector finds no text, and reads nothing from text-free photos', async () => {
    const mandrill = await read(ocr, 'no-coco-mandrill.jpg');
    expect(mandrill.regions).to.equal(0);
    expect(mandrill.lines).to.deep.equal([]);
    for (const name of ['animals-horses.jpg', 'people-three.jpg']) {
      const text = await read(ocr, name);
      // A stray region may be tried (fur, fabric); what it reads is thrown away as noise.
      expect(text.regions, name).to.be.at.most(2);
      expect(text.lines, name).to.deep.equal([]);
    }
  });

  // Slides are flat graphics (read as small print); a photo of one is searched at the photo size.
  for (const smallPrint of [true, false]) {
    it(`keeps the word breaks of slide text from 24 to 140 px in four fonts (${smallPrint ? 'as a flat graphic' : 'as a photo'})`, async () => {
      const misread: string[] = [];
      for (const slide of SLIDES) {
        const text = await ocr.read(await decodeImage(fs.readFileSync(path.join(FIXTURES, 'slides', slide.file))), { smallPrint });
        const read = text.lines.map((l) => words(l.text).join(' '));
        for (const [size, line] of slide.lines) {
          if (!read.includes(words(line).join(' '))) misread.push(`${slide.font} ${size} px: "${line}" (read: ${JSON.stringify(read)})`);
        }
      }
      expect(misread, misread.join('\n')).to.deep.equal([]);
    });
  }

  it('reads a street sign line by line in reading order', async () => {
    const text = await read(ocr, 'sign-street.jpg');
    expect(text.lines.map((l) => l.text).slice(0, 4)).to.deep.equal(['NOTICE', 'DOUBLE', 'PARKING', 'PROHIBITED']);
    for (const line of text.lines) expect(line.confidence).to.be.at.least(0.8);
  });
});
