import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { floatWeight, int64Weight, seededWeights, writeModel, type GraphSpec } from "./onnx-model.ts";

/**
 * A BigGAN-shaped ONNX model small enough to check by hand: the real input names and shapes
 * (z [N,128], class_vector [N,1000], truncation scalar or baked), output [N,3,R,R] or
 * [N,R,R,3] in [-1, 1]:  out = tanh((z·Wz + class_vector·Wc) · truncation).
 * `expected()` computes the same in plain JS, so tests check every pixel GenLab produces.
 */
export interface TinyBigGanOptions {
  resolution?: number;
  layout?: "NCHW" | "NHWC";
  /** "input": truncation is a graph input; numbers: one export per baked truncation. */
  truncation?: "input" | number[];
  /** Weights in a separate external-data file, as large exports have. */
  externalData?: boolean;
  name?: string;
  zDim?: number;
  numClasses?: number;
}

export interface TinyBigGan {
  dir: string;
  resolution: number;
  zDim: number;
  numClasses: number;
  /** The model's output for one image, in [-1, 1], in RGB pixel order (HWC). */
  expected(z: Float32Array, classVector: Float32Array, truncation: number): Float32Array;
}

export function writeTinyBigGan(dir: string, o: TinyBigGanOptions = {}): TinyBigGan {
  const R = o.resolution ?? 8;
  const zDim = o.zDim ?? 128;
  const numClasses = o.numClasses ?? 1000;
  const layout = o.layout ?? "NCHW";
  const out = 3 * R * R;
  const wz = seededWeights("Wz", [zDim, out], 11, 0.3);
  const wzData = wz.data as Float32Array;
  const wc = seededWeights("Wc", [numClasses, out], 12, 1.5);
  const wcData = wc.data as Float32Array;
  mkdirSync(dir, { recursive: true });

  const graph = (baked: number | null): GraphSpec => ({
    inputs: [
      { name: "z", type: "float32", dims: ["batch", zDim] },
      { name: "class_vector", type: "float32", dims: ["batch", numClasses] },
      ...(baked === null ? [{ name: "truncation", type: "float32" as const, dims: [] }] : []),
    ],
    outputs: [{ name: "output", type: "float32", dims: layout === "NCHW" ? ["batch", 3, R, R] : ["batch", R, R, 3] }],
    nodes: [
      { op: "MatMul", inputs: ["z", "Wz"], outputs: ["hz"] },
      { op: "MatMul", inputs: ["class_vector", "Wc"], outputs: ["hc"] },
      { op: "Add", inputs: ["hz", "hc"], outputs: ["h"] },
      { op: "Mul", inputs: ["h", baked === null ? "truncation" : "t_baked"], outputs: ["ht"] },
      { op: "Tanh", inputs: ["ht"], outputs: ["y"] },
      { op: "Reshape", inputs: ["y", "shape"], outputs: ["output"] },
    ],
    weights: [wz, wc, int64Weight("shape", layout === "NCHW" ? [-1, 3, R, R] : [-1, R, R, 3]), ...(baked === null ? [] : [floatWeight("t_baked", [], [baked])])],
  });

  const files: Record<string, string> = {};
  const write = (file: string, baked: number | null) => {
    const dataFile = o.externalData ? `${file}.data` : undefined;
    writeModel(join(dir, file), graph(baked), dataFile && join(dir, dataFile));
    for (const f of [file, ...(dataFile ? [dataFile] : [])]) files[f] = createHash("sha256").update(readFileSync(join(dir, f))).digest("hex");
  };
  let truncation: unknown;
  if (o.truncation === undefined || o.truncation === "input") {
    write("model.onnx", null);
    truncation = { input: "truncation", model: "model.onnx", step: 0.02 };
  } else {
    const baked = o.truncation.map((value) => ({ value, model: `model-t${value.toFixed(2)}.onnx` }));
    for (const b of baked) write(b.model, b.value);
    truncation = { baked };
  }
  const manifest = {
    format: "genlab-biggan/1",
    name: o.name ?? "tiny-biggan",
    resolution: R,
    zDim,
    numClasses,
    inputs: { z: "z", classVector: "class_vector" },
    output: { name: "output", layout },
    truncation,
    files,
    source: "tests/support/tiny-biggan.ts",
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));

  return {
    dir,
    resolution: R,
    zDim,
    numClasses,
    expected(z, classVector, t) {
      const pre = new Float32Array(out);
      for (let k = 0; k < out; k++) {
        let s = 0;
        for (let j = 0; j < zDim; j++) s += z[j]! * wzData[j * out + k]!;
        for (let j = 0; j < numClasses; j++) if (classVector[j]) s += classVector[j]! * wcData[j * out + k]!;
        pre[k] = Math.tanh(s * t);
      }
      if (layout === "NHWC") return pre;
      const hwc = new Float32Array(out);
      for (let c = 0; c < 3; c++) for (let p = 0; p < R * R; p++) hwc[p * 3 + c] = pre[c * R * R + p]!;
      return hwc;
    },
  };
}
