import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { readGraphModel, type Weight } from './tfjs-graph';
import { convertToOnnx } from './to-onnx';
import { encodeModel } from './onnx-writer';
import { decodeDetections, type DecodeOptions, type Detection } from './detections';

export type { Detection } from './detections';

/** Interleaved RGB pixels of any size (the network stretches them to its square input). */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface CenterNet {
  /** Detections in the image, or in its mirror image (boxes then as seen in the mirror). */
  detect(pixels: RgbPixels, options: { mirrored: boolean; minScore: number; maxDetected: number; iouThreshold: number }): Promise<Detection[]>;
}

const INPUT = 'tower_0/images';
const OUTPUTS = ['tower_0/keypoints', 'tower_0/wh'];

/**
 * Human's CenterNet (MobileNetV3, COCO) run by onnxruntime instead of the single-threaded wasm
 * backend: the same weights from node_modules, translated into an ONNX graph in memory at load
 * (~0.15 s). onnxruntime's native kernels read a 512-px input in about a third of the wasm time.
 * Throws when onnxruntime cannot load on this platform.
 */
export async function loadCenterNet(opts: { threads: number }): Promise<CenterNet> {
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  const { nodes, weights } = readGraphModel(path.join(humanDir, 'models', 'centernet.json'));
  const inputSize = 512;
  const graph = convertToOnnx(nodes, weights, { input: INPUT, inputSize, outputs: OUTPUTS });
  const session = await ort.InferenceSession.create(encodeModel(graph), {
    executionProviders: ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const scalar = (name: string) => (weights.get(name) as Weight).data[0];
  const decode: Omit<DecodeOptions, 'minScore' | 'maxDetected' | 'iouThreshold'> = {
    inputSize,
    // The graph's own constants: map cells to input pixels, and how many peaks its TopK keeps.
    stride: scalar('tower_0/mul_3/y'),
    topK: scalar('tower_0/TopKV2/k'),
  };
  const [heatmapOut, sizesOut] = graph.outputs;

  return {
    async detect(pixels, { mirrored, ...limits }) {
      const input = new ort.Tensor('float32', toFloat(pixels, mirrored), [1, pixels.height, pixels.width, 3]);
      const result = await session.run({ pixels: input });
      const heatmap = result[heatmapOut.name];
      const [, mapSize, , classes] = heatmap.dims;
      return decodeDetections(heatmap.data as Float32Array, result[sizesOut.name].data as Float32Array, mapSize, classes, { ...decode, ...limits });
    },
  };
}

/** 0–255 float values, as Human casts its int32 input; optionally mirrored left to right. */
function toFloat({ data, width, height }: RgbPixels, mirrored: boolean): Float32Array {
  if (!mirrored) return Float32Array.from(data);
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const from = row + x * 3;
      const to = row + (width - 1 - x) * 3;
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
    }
  }
  return out;
}
