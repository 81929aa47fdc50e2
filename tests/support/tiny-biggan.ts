import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { floatWeight, int64Weight, seededWeights, writeModel, type GraphSpec } from "./onnx-model.ts";

/**
 * A BigGAN-shaped ONNX model small enough to check by hand: the real input names and shapes
 * (z [N,128], class_vector [N,1000]), output [N,3,R,R] or [N,R,R,3] in [-1, 1]:
 *   out = tanh(z·Wz + class_vector·Wc + stats(truncation)).
 * stats() is pytorch-pretrained-biggan's batch-norm statistics: 51 rows (one per 0.02) mixed as
 * `row[i]·w0 + row[min(i+1, 50)]·w1`, with i, w0, w1 graph inputs (truncation_row int64,
 * truncation_weights float32 [2]) as scripts/export-biggan.py exports them, or constants when
 * baked. Rows differ by O(1), so a wrong row shows in every pixel. `expected()` computes the
 * library's own rule in plain JS (float64, as Python does), so tests check every pixel GenLab
 * produces against the library, not against GenLab's own arithmetic.
 * "float32-input" writes the older layout: a float32 `truncation` input, out = tanh(h · truncation).
 */
export interface TinyBigGanOptions {
  resolution?: number;
  layout?: "NCHW" | "NHWC";
  /** "input": statistics row + weights are graph inputs; numbers: one export per baked truncation. */
  truncation?: "input" | "float32-input" | number[];
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
  const stats = seededWeights("running_means", [STATS_ROWS, out], 13, 1.0);
  const statsData = stats.data as Float32Array;
  const statsFor = (t: number) => libraryStatistics(statsData, out, t);
  mkdirSync(dir, { recursive: true });

  const legacy = o.truncation === "float32-input";
  const graph = (baked: number | null): GraphSpec => ({
    inputs: [
      { name: "z", type: "float32", dims: ["batch", zDim] },
      { name: "class_vector", type: "float32", dims: ["batch", numClasses] },
      ...(baked !== null ? [] : legacy ? [{ name: "truncation", type: "float32" as const, dims: [] }] : [
        { name: "truncation_row", type: "int64" as const, dims: [] },
        { name: "truncation_weights", type: "float32" as const, dims: [2] },
      ]),
    ],
    outputs: [{ name: "output", type: "float32", dims: layout === "NCHW" ? ["batch", 3, R, R] : ["batch", R, R, 3] }],
    nodes: [
      { op: "MatMul", inputs: ["z", "Wz"], outputs: ["hz"] },
      { op: "MatMul", inputs: ["class_vector", "Wc"], outputs: ["hc"] },
      { op: "Add", inputs: ["hz", "hc"], outputs: ["h"] },
      ...(legacy
        ? [{ op: "Mul", inputs: ["h", "truncation"], outputs: ["hs"] }]
        : [...(baked === null ? statisticsNodes() : []), { op: "Add", inputs: ["h", baked === null ? "mean" : "mean_baked"], outputs: ["hs"] }]),
      { op: "Tanh", inputs: ["hs"], outputs: ["y"] },
      { op: "Reshape", inputs: ["y", "shape"], outputs: ["output"] },
    ],
    weights: [
      wz,
      wc,
      int64Weight("shape", layout === "NCHW" ? [-1, 3, R, R] : [-1, R, R, 3]),
      ...(legacy ? [] : baked === null ? [stats, int64Weight("last", [STATS_ROWS - 1]), int64Weight("first_i", [0]), int64Weight("one_i", [1])] : [floatWeight("mean_baked", [out], Array.from(statsFor(baked)))]),
    ],
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
    truncation = { statistics: { row: "truncation_row", weights: "truncation_weights" }, model: "model.onnx", step: 0.02 };
  } else if (o.truncation === "float32-input") {
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
      const mean = legacy ? undefined : statsFor(t);
      for (let k = 0; k < out; k++) {
        let s = 0;
        for (let j = 0; j < zDim; j++) s += z[j]! * wzData[j * out + k]!;
        for (let j = 0; j < numClasses; j++) if (classVector[j]) s += classVector[j]! * wcData[j * out + k]!;
        pre[k] = Math.tanh(mean ? s + mean[k]! : s * t);
      }
      if (layout === "NHWC") return pre;
      const hwc = new Float32Array(out);
      for (let c = 0; c < 3; c++) for (let p = 0; p < R * R; p++) hwc[p * 3 + c] = pre[c * R * R + p]!;
      return hwc;
    },
  };
}

const STATS_ROWS = 51;
const STEP = 1.0 / (STATS_ROWS - 1);
/** The export's statistics mix: (truncation_row, truncation_weights) → `mean` [1, out]. */
function statisticsNodes(): GraphSpec["nodes"] {
  return [
    { op: "Add", inputs: ["truncation_row", "one_i"], outputs: ["next_raw"] },
    { op: "Min", inputs: ["next_raw", "last"], outputs: ["next"] },
    { op: "Gather", inputs: ["running_means", "truncation_row"], outputs: ["m0"], attrs: { axis: { int: 0 } } },
    { op: "Gather", inputs: ["running_means", "next"], outputs: ["m1"], attrs: { axis: { int: 0 } } },
    { op: "Gather", inputs: ["truncation_weights", "first_i"], outputs: ["w0"], attrs: { axis: { int: 0 } } },
    { op: "Gather", inputs: ["truncation_weights", "one_i"], outputs: ["w1"], attrs: { axis: { int: 0 } } },
    { op: "Mul", inputs: ["m0", "w0"], outputs: ["m0w"] },
    { op: "Mul", inputs: ["m1", "w1"], outputs: ["m1w"] },
    { op: "Add", inputs: ["m0w", "m1w"], outputs: ["mean"] },
  ];
}

/**
 * pytorch-pretrained-biggan's BigGANBatchNorm.forward on a Python float, in float64 like Python:
 * `coef, start = math.modf(truncation / step)`; row `start` when coef == 0, else
 * `rows[start] * coef + rows[start + 1] * (1 - coef)` in float32 (the tensors' type).
 */
export function libraryStatistics(rows: Float32Array, width: number, truncation: number): Float32Array {
  const pos = truncation / STEP;
  const start = Math.trunc(pos);
  const coef = pos - start;
  const m = rows.slice(start * width, (start + 1) * width);
  if (coef === 0) return m;
  const c = Math.fround(coef);
  const rest = Math.fround(1 - coef);
  for (let k = 0; k < width; k++) m[k] = Math.fround(Math.fround(m[k]! * c) + Math.fround(rows[(start + 1) * width + k]! * rest));
  return m;
}

/** The statistics row the library's rule mostly weighs at `truncation` (for messages and tests). */
export function libraryRow(truncation: number): number {
  const pos = truncation / STEP;
  const start = Math.trunc(pos);
  const coef = pos - start;
  return coef === 0 || coef >= 0.5 ? start : start + 1;
}
