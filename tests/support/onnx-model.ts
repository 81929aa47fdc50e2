import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/**
 * Writes small real ONNX models for tests and benchmarks: the same input/output names,
 * types and shapes as the exported models GenLab loads, with a few operators in between,
 * so the real onnxruntime sessions and GenLab's loading code run on them.
 */
export type ElemType = "float32" | "float16" | "int32" | "int64";

export interface ValueSpec {
  name: string;
  type: ElemType;
  /** Numbers, or names for symbolic dimensions ("batch"). An empty list is a scalar. */
  dims: (number | string)[];
}

export interface Weight {
  name: string;
  type: ElemType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint16Array;
}

export type AttrValue = number | number[] | string | { floats: number[] } | { int: number } | { float: number } | Weight;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface GraphSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  weights?: Weight[];
  opset?: number;
}

const elemTypes: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

function valueInfo(v: ValueSpec) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: elemTypes[v.type],
        shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function bytesOf(w: Weight): Uint8Array {
  return new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
}

function tensor(w: Weight, external?: { location: string; offset: number }) {
  const base = { name: w.name, dims: w.dims, dataType: elemTypes[w.type] };
  if (!external) return { ...base, rawData: bytesOf(w) };
  return {
    ...base,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: "location", value: external.location },
      { key: "offset", value: String(external.offset) },
      { key: "length", value: String(w.data.byteLength) },
    ],
  };
}

function attribute(name: string, v: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === "string") return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === "number") return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ("floats" in v) return { name, type: A.FLOATS, floats: v.floats };
  if ("int" in v) return { name, type: A.INT, i: v.int };
  if ("float" in v) return { name, type: A.FLOAT, f: v.float };
  return { name, type: A.TENSOR, t: tensor(v) };
}

/**
 * Encodes a model. With `externalData`, weights of 1 KiB or more go to that file (8-byte
 * aligned, as the exporters write them) and the returned `data` must be written beside the model.
 */
export function encodeModel(g: GraphSpec, externalData?: string): { model: Uint8Array; data?: Uint8Array } {
  let offset = 0;
  const chunks: Uint8Array[] = [];
  const initializer = (g.weights ?? []).map((w) => {
    // Like the exporters (size_threshold 1024): shapes and scalars stay inline, where shape inference needs them.
    if (!externalData || w.data.byteLength < 1024) return tensor(w);
    const pad = (8 - (offset % 8)) % 8;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    const t = tensor(w, { location: externalData, offset });
    chunks.push(bytesOf(w).slice());
    offset += w.data.byteLength;
    return t;
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "genlab-tests",
    opsetImport: [{ domain: "", version: g.opset ?? 17 }],
    graph: {
      name: "genlab-test-graph",
      node: g.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  const encoded = onnx.ModelProto.encode(model).finish();
  if (!externalData) return { model: encoded };
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) data.set(c, at), (at += c.length);
  return { model: encoded, data };
}

/** Writes `path` (and its external data file beside it when `externalDataPath` is given). */
export function writeModel(path: string, g: GraphSpec, externalDataPath?: string): void {
  const { model, data } = encodeModel(g, externalDataPath ? basename(externalDataPath) : undefined);
  writeFileSync(path, model);
  if (externalDataPath && data) writeFileSync(externalDataPath, data);
}

/** Seeded float weights in [-scale, scale) (mulberry32), so test models are the same every run. */
export function seededWeights(name: string, dims: number[], seed: number, scale = 0.1): Weight {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return { name, type: "float32", dims, data };
}

export function int64Weight(name: string, values: number[]): Weight {
  return { name, type: "int64", dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) };
}

export function floatWeight(name: string, dims: number[], values: number[]): Weight {
  return { name, type: "float32", dims, data: Float32Array.from(values) };
}
