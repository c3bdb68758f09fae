import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-writer';
import type { GraphNode, Weight } from './tfjs-graph';

/**
 * Translates the convolutional part of a TensorFlow.js graph model (NHWC) into an ONNX graph
 * (NCHW) that onnxruntime runs natively, several times faster than the single-threaded wasm
 * backend. Only the ops the CenterNet MobileNetV3 body uses are known; any other op throws, so a
 * changed model fails at load rather than computing something else. Shapes are tracked
 * statically because the body's input size is fixed.
 */
export interface ConvertOptions {
  /** The graph's input placeholder and its square size. */
  input: string;
  inputSize: number;
  /** Graph tensors to return, as NHWC. */
  outputs: string[];
}

const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

const text = (n: GraphNode, key: string) => Buffer.from(n.attr?.[key]?.s ?? '', 'base64').toString();
const texts = (n: GraphNode, key: string) => (n.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());
const ints = (n: GraphNode, key: string) => (n.attr?.[key]?.list?.i ?? []).map(Number);
const tensorName = (input: string) => input.replace(/:0$/, '');

export function convertToOnnx(nodes: GraphNode[], weights: Map<string, Weight>, options: ConvertOptions): OnnxGraph {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const shapes = new Map<string, number[]>();
  const out: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const done = new Set<string>();

  const constant = (name: string): Weight => {
    const w = weights.get(tensorName(name));
    if (!w) throw new Error(`centernet conversion: ${name} is not a constant`);
    return w;
  };
  const isConstant = (name: string) => byName.get(tensorName(name))?.op === 'Const';
  const init = (name: string, dims: number[], data: Float32Array | BigInt64Array): string => {
    if (!initializers.some((t) => t.name === name)) initializers.push({ name, dims, type: data instanceof Float32Array ? 1 : 7, data });
    return name;
  };
  const int64 = (name: string, values: number[]) => init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  const shapeOf = (name: string): number[] => {
    const s = shapes.get(tensorName(name));
    if (!s) throw new Error(`centernet conversion: no shape for ${name}`);
    return s;
  };

  /** A per-channel or scalar constant, shaped to broadcast over NCHW. */
  const broadcastConstant = (name: string): string => {
    const w = constant(name);
    if (w.shape.length > 1) throw new Error(`centernet conversion: constant ${name} of rank ${w.shape.length}`);
    return init(`${tensorName(name)}:nchw`, w.shape.length === 1 ? [w.shape[0], 1, 1] : [], Float32Array.from(w.data));
  };

  function conv(n: GraphNode, depthwise: boolean): void {
    const [x, filter, bias] = n.input ?? [];
    const w = constant(filter);
    const [kh, kw, ci, m] = w.shape;
    const [, c, h, wd] = shapeOf(x);
    const stride = ints(n, 'strides')[1] ?? 1;
    if (ints(n, 'dilations').some((d) => d !== 1)) throw new Error(`centernet conversion: dilated ${n.name}`);
    // TF filters are HWIO (depthwise: H, W, C, multiplier); ONNX wants OIHW.
    const outChannels = depthwise ? ci * m : m;
    const oihw = reorderFilter(Float32Array.from(w.data), kh, kw, ci, m, depthwise);
    const inputs = [tensorName(x), init(`${tensorName(filter)}:oihw`, depthwise ? [outChannels, 1, kh, kw] : [m, ci, kh, kw], oihw)];
    const fused = texts(n, 'fused_ops');
    if (bias) inputs.push(init(`${tensorName(bias)}:bias`, [outChannels], Float32Array.from(constant(bias).data)));
    // TF "SAME": the output is ceil(in / stride) and the odd padding pixel goes at the end.
    const same = text(n, 'padding') === 'SAME';
    const pads = [h, wd].map((size, axis) => {
      const k = axis === 0 ? kh : kw;
      const outSize = same ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);
      const total = same ? Math.max((outSize - 1) * stride + k - size, 0) : 0;
      return { outSize, begin: Math.floor(total / 2), end: total - Math.floor(total / 2) };
    });
    const activation = fused.filter((f) => f !== 'BiasAdd');
    if (activation.some((a) => a !== 'Relu')) throw new Error(`centernet conversion: fused ${activation.join()} in ${n.name}`);
    const convOut = activation.length ? `${n.name}:conv` : n.name;
    out.push({
      op: 'Conv',
      inputs,
      outputs: [convOut],
      attributes: { kernel_shape: [kh, kw], strides: [stride, stride], pads: [pads[0].begin, pads[1].begin, pads[0].end, pads[1].end], group: depthwise ? c : 1 },
    });
    if (activation.length) out.push({ op: 'Relu', inputs: [convOut], outputs: [n.name] });
    shapes.set(n.name, [1, outChannels, pads[0].outSize, pads[1].outSize]);
  }

  function emit(n: GraphNode): void {
    const inputs = n.input ?? [];
    const variable = inputs.filter((i) => !isConstant(i));
    const unaryShape = () => shapes.set(n.name, shapeOf(variable[0]));
    switch (n.op) {
      case '_FusedConv2D':
      case 'Conv2D':
        return conv(n, false);
      case 'FusedDepthwiseConv2dNative':
      case 'DepthwiseConv2dNative':
        return conv(n, true);
      case 'Mul':
      case 'Add':
      case 'Sub': {
        const operands = inputs.map((i) => (isConstant(i) ? broadcastConstant(i) : tensorName(i)));
        out.push({ op: n.op, inputs: operands, outputs: [n.name] });
        const ranks = variable.map(shapeOf);
        return void shapes.set(n.name, ranks[0].map((d, i) => Math.max(...ranks.map((r) => r[i]))));
      }
      case 'Relu6':
        out.push({ op: 'Clip', inputs: [tensorName(inputs[0]), init('relu6:min', [], Float32Array.of(0)), init('relu6:max', [], Float32Array.of(6))], outputs: [n.name] });
        return void unaryShape();
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
        out.push({ op: n.op, inputs: [tensorName(inputs[0])], outputs: [n.name] });
        return void unaryShape();
      case 'Mean': {
        if (!n.attr?.keep_dims?.b) throw new Error(`centernet conversion: ${n.name} drops dimensions`);
        const axes = Array.from(constant(inputs[1]).data).map((a) => NHWC_TO_NCHW_AXIS[a]);
        out.push({ op: 'ReduceMean', inputs: [tensorName(inputs[0])], outputs: [n.name], attributes: { axes, keepdims: 1 } });
        return void shapes.set(n.name, shapeOf(inputs[0]).map((d, i) => (axes.includes(i) ? 1 : d)));
      }
      case 'ResizeBilinear': {
        const [h, w] = Array.from(constant(inputs[1]).data);
        const [b, c] = shapeOf(inputs[0]);
        // TF's legacy bilinear resize maps output pixel i to input i × in/out ("asymmetric").
        const mode = n.attr?.align_corners?.b ? 'align_corners' : n.attr?.half_pixel_centers?.b ? 'half_pixel' : 'asymmetric';
        out.push({ op: 'Resize', inputs: [tensorName(inputs[0]), '', '', int64(`${n.name}:sizes`, [b, c, h, w])], outputs: [n.name], attributes: { mode: 'linear', coordinate_transformation_mode: mode } });
        return void shapes.set(n.name, [b, c, h, w]);
      }
      case 'ConcatV2': {
        const axis = NHWC_TO_NCHW_AXIS[constant(inputs[inputs.length - 1]).data[0]];
        const parts = inputs.slice(0, -1);
        out.push({ op: 'Concat', inputs: parts.map(tensorName), outputs: [n.name], attributes: { axis } });
        const first = shapeOf(parts[0]);
        return void shapes.set(n.name, first.map((d, i) => (i === axis ? parts.reduce((sum, p) => sum + shapeOf(p)[i], 0) : d)));
      }
      default:
        throw new Error(`centernet conversion: unsupported op ${n.op} (${n.name})`);
    }
  }

  function visit(name: string): void {
    const node = byName.get(tensorName(name));
    if (!node || done.has(node.name) || node.op === 'Const' || node.name === options.input) return;
    done.add(node.name);
    for (const input of node.input ?? []) visit(input);
    emit(node);
  }

  // The input arrives as NHWC pixels of any size and is stretched to the model's square, as Human does.
  const size = options.inputSize;
  out.push({ op: 'Transpose', inputs: ['pixels'], outputs: ['pixels:nchw'], attributes: { perm: [0, 3, 1, 2] } });
  out.push({ op: 'Resize', inputs: ['pixels:nchw', '', '', int64('input:sizes', [1, 3, size, size])], outputs: [options.input], attributes: { mode: 'linear', coordinate_transformation_mode: 'asymmetric' } });
  shapes.set(options.input, [1, 3, size, size]);
  for (const output of options.outputs) visit(output);
  const outputs = options.outputs.map((name) => {
    const [b, c, h, w] = shapeOf(name);
    out.push({ op: 'Transpose', inputs: [name], outputs: [`${name}:nhwc`], attributes: { perm: [0, 2, 3, 1] } });
    return { name: `${name}:nhwc`, dims: [b, h, w, c] };
  });
  return { nodes: out, initializers, inputs: [{ name: 'pixels', dims: [1, -1, -1, 3] }], outputs, opset: 13 };
}

/** HWIO (depthwise: H, W, C, multiplier) filter values in ONNX's OIHW order (depthwise: C × multiplier, 1, H, W). */
function reorderFilter(hwio: Float32Array, kh: number, kw: number, ci: number, m: number, depthwise: boolean): Float32Array {
  const oihw = new Float32Array(hwio.length);
  let source = 0;
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < m; o++, source++) {
          const outChannel = depthwise ? i * m + o : o;
          const inChannel = depthwise ? 0 : i;
          oihw[((outChannel * (depthwise ? 1 : ci) + inChannel) * kh + y) * kw + x] = hwio[source];
        }
      }
    }
  }
  return oihw;
}
