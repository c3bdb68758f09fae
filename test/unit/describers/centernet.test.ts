import { expect } from 'chai';
import { decodeDetections } from '../../../server/describers/local/detect/centernet/detections';
import { convertToOnnx } from '../../../server/describers/local/detect/centernet/to-onnx';
import { encodeModel } from '../../../server/describers/local/detect/centernet/onnx-writer';
import type { GraphNode, Weight } from '../../../server/describers/local/detect/centernet/tfjs-graph';

const LIMITS = { inputSize: 16, stride: 4, topK: 100, minScore: 0.15, maxDetected: 30, iouThreshold: 0.4 };

describe('local describer: CenterNet decoding', () => {
  // A 4×4 map with 2 classes; sizes put every box 4 px from its centre on each side. Scores are
  // float32 as the network gives them, and truncated to two decimals (0.9 would become 0.89).
  const heat = (cells: Array<[number, number, number, number]>) => {
    const map = new Float32Array(4 * 4 * 2);
    for (const [x, y, c, v] of cells) map[(y * 4 + x) * 2 + c] = v;
    return map;
  };
  const sizes = new Float32Array(4 * 4 * 4).fill(4);

  it('turns a heatmap peak into a box around its cell, relative to the input', () => {
    const [d] = decodeDetections(heat([[1, 2, 1, 0.876]]), sizes, 4, 2, LIMITS);
    expect(d.classIndex).to.equal(1);
    expect(d.score).to.equal(0.87);
    expect(d.box).to.deep.equal([0, 0.25, 0.5, 0.5]);
  });

  it('keeps only local maxima of a class, and nothing below the minimum score', () => {
    const found = decodeDetections(heat([[1, 1, 0, 0.905], [2, 1, 0, 0.605], [2, 1, 1, 0.505], [3, 3, 1, 0.14]]), sizes, 4, 2, { ...LIMITS, iouThreshold: 1 });
    // (2,1) class 0 sits next to a stronger cell of its class; class 1 there is its own peak.
    expect(found.map((d) => [d.classIndex, d.score])).to.deep.equal([[0, 0.9], [1, 0.5]]);
  });

  it('drops a box that overlaps a better one by the IoU threshold or more, whatever its class', () => {
    const found = decodeDetections(heat([[0, 0, 0, 0.905], [0, 0, 1, 0.805], [3, 3, 1, 0.705]]), sizes, 4, 2, LIMITS);
    expect(found.map((d) => [d.classIndex, d.score])).to.deep.equal([[0, 0.9], [1, 0.7]]);
  });
});

describe('local describer: TensorFlow.js graph to ONNX', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const filter = Float32Array.from({ length: 3 * 3 * 3 * 2 }, (_, i) => ((i % 5) - 2) / 2);
  const weights = new Map<string, Weight>([
    ['w', { shape: [3, 3, 3, 2], data: filter }],
    ['b', { shape: [2], data: Float32Array.of(0.5, -1) }],
  ]);
  const nodes: GraphNode[] = [
    { name: 'in', op: 'Placeholder' },
    { name: 'w', op: 'Const' },
    { name: 'b', op: 'Const' },
    {
      name: 'conv', op: '_FusedConv2D', input: ['in', 'w', 'b'],
      attr: { strides: { list: { i: ['1', '2', '2', '1'] } }, padding: { s: b64('SAME') }, fused_ops: { list: { s: [b64('BiasAdd')] } } },
    },
    { name: 'out', op: 'Relu6', input: ['conv'] },
  ];

  /** TF's SAME convolution with stride 2, bias and ReLU6, computed by hand on an NHWC RGB image. */
  function reference(image: Float32Array, size: number): Float32Array {
    const outSize = Math.ceil(size / 2);
    const pad = Math.floor(Math.max((outSize - 1) * 2 + 3 - size, 0) / 2);
    const out = new Float32Array(outSize * outSize * 2);
    for (let y = 0; y < outSize; y++) for (let x = 0; x < outSize; x++) for (let o = 0; o < 2; o++) {
      let sum = o === 0 ? 0.5 : -1;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = y * 2 + ky - pad, ix = x * 2 + kx - pad;
        if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
        for (let c = 0; c < 3; c++) sum += image[(iy * size + ix) * 3 + c] * filter[((ky * 3 + kx) * 3 + c) * 2 + o];
      }
      out[(y * outSize + x) * 2 + o] = Math.min(6, Math.max(0, sum));
    }
    return out;
  }

  it('gives the same numbers on onnxruntime as the TensorFlow op it translates', async () => {
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const graph = convertToOnnx(nodes, weights, { input: 'in', inputSize: 6, outputs: ['out'] });
    const session = await ort.InferenceSession.create(encodeModel(graph));
    const image = Float32Array.from({ length: 6 * 6 * 3 }, (_, i) => ((i * 7) % 11) / 4);
    const result = await session.run({ pixels: new ort.Tensor('float32', image, [1, 6, 6, 3]) });
    const output = result[graph.outputs[0].name];
    expect(output.dims).to.deep.equal([1, 3, 3, 2]);
    Array.from(output.data as Float32Array).forEach((v, i) => expect(v).to.be.closeTo(reference(image, 6)[i], 1e-5));
  });

  it('refuses an op it does not know rather than computing something else', () => {
    const unknown: GraphNode[] = [...nodes.slice(0, 4), { name: 'out', op: 'Softplus', input: ['conv'] }];
    expect(() => convertToOnnx(unknown, weights, { input: 'in', inputSize: 6, outputs: ['out'] })).to.throw(/unsupported op Softplus/);
  });
});
