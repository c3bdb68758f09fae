/**
 * Just enough of ONNX's protobuf encoding (onnx.proto3) to hand a model built in memory to
 * onnxruntime: a graph of nodes with tensor initializers and float tensor inputs and outputs.
 * Field numbers are those of onnx.proto.
 */

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** FLOAT = 1, INT64 = 7. */
  type: 1 | 7;
  data: Float32Array | BigInt64Array;
}

export type OnnxAttribute = number | number[] | string;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttribute>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Float inputs and outputs; a dimension of -1 is left free. */
  inputs: Array<{ name: string; dims: number[] }>;
  outputs: Array<{ name: string; dims: number[] }>;
  opset: number;
}

class Writer {
  private readonly chunks: Uint8Array[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }

  tag(field: number, wire: 0 | 1 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.chunks.push(data);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.tag(field, 5);
    this.chunks.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

function attribute(w: Writer, name: string, value: OnnxAttribute): void {
  w.string(1, name);
  if (typeof value === 'string') w.bytes(4, Buffer.from(value, 'utf8')).int(20, AttributeType.STRING);
  else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, AttributeType.INTS);
  } else if (Number.isInteger(value)) w.int(3, value).int(20, AttributeType.INT);
  else w.float(2, value).int(20, AttributeType.FLOAT);
}

function valueInfo(w: Writer, name: string, dims: number[]): void {
  w.string(1, name);
  // TypeProto.tensor_type { elem_type FLOAT, shape { dim { dim_value | dim_param } } }
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, 1);
    tensor.message(2, (shape) => dims.forEach((d, i) => shape.message(1, (dim) => (d >= 0 ? dim.int(1, d) : dim.string(2, `d${i}`)))));
  }));
}

/** The serialised ModelProto. */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version 8 (ONNX 1.10+), understood by every onnxruntime since 1.10
  w.string(2, 'sightline');
  w.message(7, (g) => {
    for (const node of graph.nodes) {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, node.outputs[0]);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => attribute(a, name, value));
      });
    }
    g.string(2, 'graph');
    for (const t of graph.initializers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.type);
        tensor.string(8, t.name);
        tensor.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    for (const input of graph.inputs) g.message(11, (v) => valueInfo(v, input.name, input.dims));
    for (const output of graph.outputs) g.message(12, (v) => valueInfo(v, output.name, output.dims));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset));
  return w.finish();
}
