import fs from 'node:fs';
import path from 'node:path';

/** A node of a TensorFlow.js graph model (model.json "modelTopology.node"). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string; i?: string; f?: number; b?: boolean; list?: { i?: string[]; s?: string[] } }>;
}

/** A constant of the graph with its values. */
export interface Weight {
  shape: number[];
  data: Float32Array | Int32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

interface ModelJson {
  modelTopology: { node: GraphNode[] };
  weightsManifest: Array<{ paths: string[]; weights: ManifestEntry[] }>;
}

/** IEEE half to single precision for every 16-bit pattern (the model stores its float weights as float16). */
let halves: Float32Array | undefined;
function halfTable(): Float32Array {
  if (halves) return halves;
  halves = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) halves[h] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 0x1f) halves[h] = fraction ? NaN : sign * Infinity;
    else halves[h] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return halves;
}

/** Weight files are little-endian, as is every platform onnxruntime-node ships binaries for, so bytes copy straight into typed arrays. */
function decode(entry: ManifestEntry, bytes: Buffer, offset: number): { weight: Weight; size: number } {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const q = entry.quantization;
  if (entry.dtype === 'int32' && !q) {
    const data = new Int32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return { weight: { shape: entry.shape, data }, size: 4 * count };
  }
  if (entry.dtype === 'float32' && !q) {
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return { weight: { shape: entry.shape, data }, size: 4 * count };
  }
  if (entry.dtype === 'float32' && q?.dtype === 'float16') {
    const table = halfTable();
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = table[bytes[offset + 2 * i] | (bytes[offset + 2 * i + 1] << 8)];
    return { weight: { shape: entry.shape, data }, size: 2 * count };
  }
  throw new Error(`unsupported weight encoding for ${entry.name}: ${entry.dtype}/${q?.dtype ?? 'none'}`);
}

/** Reads a graph model (its JSON and weight shards) from disk. */
export function readGraphModel(jsonPath: string): { nodes: GraphNode[]; weights: Map<string, Weight> } {
  const model = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as ModelJson;
  const weights = new Map<string, Weight>();
  for (const group of model.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p))));
    let offset = 0;
    for (const entry of group.weights) {
      const { weight, size } = decode(entry, bytes, offset);
      weights.set(entry.name, weight);
      offset += size;
    }
  }
  return { nodes: model.modelTopology.node, weights };
}
