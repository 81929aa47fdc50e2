/**
 * BigGAN engine overhead benchmark, in one run: the same BigGAN-shaped ONNX model (z [N,128],
 * class_vector [N,1000], truncation → [N,3,128,128], ~0.35 GMAC per image: a linear layer to
 * 4×4×256, five nearest-upsample + 3×3 conv + ReLU stages, a 3×3 conv to RGB, tanh) run
 *   (a) through GenLab: BigGanEngine.validate + generate (class lookup, seeded truncated noise
 *       per image, class vectors, session.run, [-1,1] NCHW → 8-bit RGB images), and
 *   (b) raw: session.run on prebuilt tensors with the same session options (the reference:
 *       Debian has no Python onnxruntime, so the raw onnxruntime-node loop stands in for it),
 * alternating (a) and (b) so machine noise hits both alike. Also times PNG encoding of the
 * results, which the bot does after the engine.
 *
 *   npx tsx bench/biggan.ts [--rounds 15] [--threads N] [--model-dir DIR]
 *
 * --model-dir times a real export (a folder made by scripts/export-biggan.py) instead of the
 * built-in model, at truncation 0.4, with the raw session fed exactly what GenLab feeds it.
 *
 * Prints a table, then one JSON line. Goal: GenLab adds < 5 % over the raw session run.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { BigGanEngine, readModelDir, statisticsFeed, type BigGanManifest } from "../src/engines/biggan/index.ts";

import { openOnnxSession } from "../src/engines/runtime/onnx.ts";
import { toPng } from "../src/images/encode.ts";
import { tempDir } from "../tests/support/config.ts";
import { int64Weight, seededWeights, writeModel, type NodeSpec, type Weight } from "../tests/support/onnx-model.ts";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = arg("rounds", 15);
const THREADS = arg("threads", availableParallelism());
const dirArg = process.argv.indexOf("--model-dir");
const MODEL_DIR = dirArg >= 0 ? process.argv[dirArg + 1] : undefined;

/** A generator with BigGAN's interface and a realistic mix of ops (not its weights). */
function writeMidModel(dir: string): void {
  const chans = [256, 256, 128, 64, 32, 16];
  const weights: Weight[] = [seededWeights("Wz", [128, 4 * 4 * 256], 1, 0.05), seededWeights("Wc", [1000, 4 * 4 * 256], 2, 0.05), int64Weight("shape0", [-1, 256, 4, 4])];
  weights.push({ name: "up", type: "float32", dims: [4], data: Float32Array.of(1, 1, 2, 2) });
  const nodes: NodeSpec[] = [
    { op: "MatMul", inputs: ["z", "Wz"], outputs: ["hz"] },
    { op: "MatMul", inputs: ["class_vector", "Wc"], outputs: ["hc"] },
    { op: "Add", inputs: ["hz", "hc"], outputs: ["h0"] },
    { op: "Mul", inputs: ["h0", "truncation"], outputs: ["h1"] },
    { op: "Reshape", inputs: ["h1", "shape0"], outputs: ["x0"] },
  ];
  let x = "x0";
  for (let i = 0; i < 5; i++) {
    const cin = chans[i]!;
    const cout = chans[i + 1]!;
    weights.push(seededWeights(`W${i}`, [cout, cin, 3, 3], 10 + i, Math.sqrt(2 / (cin * 9))));
    nodes.push({ op: "Resize", inputs: [x, "", "up"], outputs: [`u${i}`], attrs: { mode: "nearest" } });
    nodes.push({ op: "Conv", inputs: [`u${i}`, `W${i}`], outputs: [`c${i}`], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
    nodes.push({ op: "Relu", inputs: [`c${i}`], outputs: [`x${i + 1}`] });
    x = `x${i + 1}`;
  }
  weights.push(seededWeights("Wrgb", [3, 16, 3, 3], 20, 0.1));
  nodes.push({ op: "Conv", inputs: [x, "Wrgb"], outputs: ["rgb"], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
  nodes.push({ op: "Tanh", inputs: ["rgb"], outputs: ["output"] });
  writeModel(
    join(dir, "model.onnx"),
    {
      inputs: [
        { name: "z", type: "float32", dims: ["batch", 128] },
        { name: "class_vector", type: "float32", dims: ["batch", 1000] },
        { name: "truncation", type: "float32", dims: [] },
      ],
      outputs: [{ name: "output", type: "float32", dims: ["batch", 3, 128, 128] }],
      nodes,
      weights,
    },
    join(dir, "model.onnx.data"),
  );
  const files = Object.fromEntries(["model.onnx", "model.onnx.data"].map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({ format: "genlab-biggan/1", name: "bench-biggan-128", resolution: 128, truncation: { input: "truncation", model: "model.onnx", step: 0.02 }, files }),
  );
}

/** What GenLab feeds the graph at truncation 0.4, prebuilt. */
function rawFeeds(ort: Awaited<ReturnType<typeof openOnnxSession>>["ort"], m: BigGanManifest, n: number) {
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
    [m.inputs.z]: new ort.Tensor("float32", new Float32Array(n * m.zDim).fill(0.1), [n, m.zDim]),
    [m.inputs.classVector]: new ort.Tensor("float32", new Float32Array(n * m.numClasses).fill(0.001), [n, m.numClasses]),
  };
  const t = m.truncation;
  if ("statistics" in t) {
    const { row, weights } = statisticsFeed(0.4, t.step);
    feeds[t.statistics.row] = new ort.Tensor("int64", BigInt64Array.of(BigInt(row)), []);
    feeds[t.statistics.weights] = new ort.Tensor("float32", Float32Array.from(weights), [2]);
  } else if ("input" in t) {
    feeds[t.input] = new ort.Tensor("float32", Float32Array.of(0.4), []);
  }
  return feeds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  let dir = MODEL_DIR;
  if (!dir) {
    dir = tempDir("genlab-bench-biggan-");
    writeMidModel(dir);
  }
  const model = readModelDir(dir);
  const m = model.manifest;
  const options = { provider: "cpu" as const, threads: THREADS };
  const engine = new BigGanEngine({ ...options, modelDir: dir });
  const raw = await openOnnxSession(model.variants[0]!.path, options);
  const ctx = { signal: new AbortController().signal };
  console.log(`${MODEL_DIR ? `${m.name} (${dir})` : "BigGAN-shaped model"}, ${m.resolution}×${m.resolution}, CPU, ${THREADS} threads, ${ROUNDS} rounds (median)\n`);
  console.log("   n | GenLab ms | raw run ms | GenLab ms/img | images/s | overhead | PNG ms/img");
  const rows = [];
  for (const n of [1, 4, 8]) {
    const feeds = rawFeeds(raw.ort, m, n);
    const g: number[] = [];
    const r: number[] = [];
    const png: number[] = [];
    for (let i = 0; i < ROUNDS + 2; i++) {
      let t = performance.now();
      const result = await engine.generate(engine.validate({ class: 207, n, seed: i, truncation: 0.4 }), ctx);
      const gMs = performance.now() - t;
      t = performance.now();
      const out = await raw.session.run(feeds);
      const rMs = performance.now() - t;
      for (const v of Object.values(out)) v.dispose();
      t = performance.now();
      await Promise.all(result.images.map((im) => toPng(im)));
      const pMs = performance.now() - t;
      if (i >= 2) g.push(gMs), r.push(rMs), png.push(pMs / n); // first two: warm-up
    }
    const row = { n, genlabMs: median(g), rawMs: median(r), pngMsPerImage: median(png) };
    rows.push(row);
    const overhead = row.genlabMs / row.rawMs - 1;
    console.log(
      `${String(n).padStart(4)} | ${row.genlabMs.toFixed(1).padStart(9)} | ${row.rawMs.toFixed(1).padStart(10)} | ${(row.genlabMs / n).toFixed(1).padStart(13)} | ${((1000 * n) / row.genlabMs).toFixed(1).padStart(8)} | ${(overhead * 100).toFixed(1).padStart(7)}% | ${row.pngMsPerImage.toFixed(1).padStart(10)}`,
    );
  }
  console.log(JSON.stringify({ bench: "biggan", threads: THREADS, rounds: ROUNDS, rows: rows.map((r) => ({ ...r, overhead: r.genlabMs / r.rawMs - 1 })) }));
}

await main();
