import { expect } from 'chai';
import { textBoxes, type Quad } from '../../../server/describers/local/detect/paddle/text-boxes';

/** A probability map with the given value inside each (x, y, w, h) rectangle and 0 elsewhere. */
function map(width: number, height: number, rects: Array<[number, number, number, number, number]>): Float32Array {
  const out = new Float32Array(width * height);
  for (const [x0, y0, w, h, p] of rects) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out[y * width + x] = p;
  }
  return out;
}
const side = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const size = (q: Quad) => [side(q[0], q[1]), side(q[0], q[3])];

describe('local describer: text boxes from the detector map', () => {
  it('finds one box per region, grown by the unclip distance, corners clockwise from the top left', () => {
    const boxes = textBoxes(map(200, 100, [[20, 10, 100, 10, 0.9], [20, 60, 40, 8, 0.8]]), 200, 100);
    expect(boxes).to.have.length(2);
    const [long] = boxes.sort((a, b) => a[0][1] - b[0][1]);
    const [w, h] = size(long);
    // A 99 × 9 region (pixel centres) grows by 1.5 · area / perimeter ≈ 6.2 on every side.
    expect(w).to.be.closeTo(99 + 2 * 6.2, 0.5);
    expect(h).to.be.closeTo(9 + 2 * 6.2, 0.5);
    expect(long[0][0]).to.be.below(long[1][0]);
    expect(long[0][1]).to.be.below(long[3][1]);
  });

  it('follows a tilted line', () => {
    const width = 200;
    const out = new Float32Array(width * 100);
    // A band 6 px thick rising 1 px every 4 px.
    for (let x = 20; x < 180; x++) for (let t = 0; t < 6; t++) out[(70 - Math.floor(x / 4) + t) * width + x] = 0.9;
    const [box] = textBoxes(out, width, 100);
    const angle = Math.atan2(box[1][1] - box[0][1], box[1][0] - box[0][0]);
    expect(angle).to.be.closeTo(-Math.atan(1 / 4), 0.05);
  });

  it('ignores faint regions and specks', () => {
    expect(textBoxes(map(100, 100, [[10, 10, 60, 10, 0.45]]), 100, 100)).to.deep.equal([]);
    expect(textBoxes(map(100, 100, [[10, 10, 2, 2, 0.95]]), 100, 100)).to.deep.equal([]);
  });
});
