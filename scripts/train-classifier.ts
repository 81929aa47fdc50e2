// Maintainers: train the evaluation classifiers shipped in assets/eval/<name>/ (weights.bin +
// classifier.json) and refresh assets/eval/SHA256SUMS. TensorFlow.js on whatever backend loads
// (wasm here: one core per process). Measured on a busy 2-core machine, both runs side by side:
// mnist-cnn (32/32/64, 8,000 digits × 30 epochs) 16 min, fashion-mnist-cnn (16/32/64, 60,000
// images × 12 epochs) 34 min; on an idle core a 16/32/64 step of 64 images takes ~120 ms.
//   npx tsx scripts/train-classifier.ts mnist|fashion-mnist|all [--epochs N] [--seed S] [--out DIR] [--steps N]
// --steps N only times N training steps and exits (to size a run before starting it).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import type * as tfjs from "@tensorflow/tfjs";
import { Rng } from "../src/engines/runtime/random.ts";
import { sha256 } from "../src/engines/gan/model-files.ts";
import { tfRuntime } from "../src/engines/runtime/tfjs.ts";
import { cnnForward, cnnShapes, initCnn, type CnnSpec } from "../src/engines/eval/cnn.ts";
import { saveClassifier, shippedClassifiersDir } from "../src/engines/eval/classifier-files.ts";
import { referenceSplit, type ReferenceFamily } from "../src/engines/eval/reference-data.ts";
import type { Dataset } from "../src/engines/gan/datasets/index.ts";

interface Recipe {
  name: string;
  family: ReferenceFamily;
  convs: number[];
  epochs: number;
  batch: number;
  lr: number;
  /** Fashion items may face either way; digits may not be mirrored. */
  flip: boolean;
  /** Random translation of up to this many pixels (the background fills in). */
  shift: number;
  /** Random rotation up to ± this many degrees and scaling by 1 ± scale (bilinear). */
  rotate: number;
  scale: number;
}

const SPEC: Omit<CnnSpec, "classes" | "convs"> = { height: 28, width: 28, channels: 1, features: 128, dropout: 0.3 };

const RECIPES: Record<ReferenceFamily, Recipe> = {
  // 8,000 digits only: a wider first block and small rotations/scalings stand in for more data.
  mnist: { name: "mnist-cnn", family: "mnist", convs: [32, 32, 64], epochs: 30, batch: 64, lr: 1e-3, flip: false, shift: 2, rotate: 12, scale: 0.1 },
  "fashion-mnist": { name: "fashion-mnist-cnn", family: "fashion-mnist", convs: [16, 32, 64], epochs: 12, batch: 64, lr: 1e-3, flip: true, shift: 2, rotate: 0, scale: 0 },
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { epochs: { type: "string" }, seed: { type: "string", default: "1" }, out: { type: "string" }, steps: { type: "string" } } });
const which = positionals[0] ?? "all";
const families: ReferenceFamily[] = which === "all" ? ["mnist", "fashion-mnist"] : [which as ReferenceFamily];
if (!families.every((f) => f in RECIPES)) {
  console.error("usage: npx tsx scripts/train-classifier.ts mnist|fashion-mnist|all [--epochs N] [--seed S] [--out DIR] [--steps N]");
  process.exit(2);
}
const outRoot = values.out ?? shippedClassifiersDir;
const { tf, backend } = await tfRuntime();

for (const family of families) await train({ ...RECIPES[family], ...(values.epochs ? { epochs: Number(values.epochs) } : {}) });
if (!values.steps && outRoot === shippedClassifiersDir) writeSums();

async function train(r: Recipe): Promise<void> {
  const seed = Number(values.seed);
  const split = referenceSplit(r.family);
  const spec: CnnSpec = { ...SPEC, convs: r.convs, classes: split.train.classes.length };
  const params = initCnn(spec, seed).map((w, i) => tf.variable(tf.tensor(w, cnnShapes(spec)[i]!)));
  const opt = tf.train.adam(r.lr);
  const rng = new Rng(seed);
  const pix = spec.height * spec.width * spec.channels;
  const xb = new Float32Array(r.batch * pix);
  const yb = new Int32Array(r.batch);
  const stepsPerEpoch = Math.ceil(split.train.count / r.batch);
  const totalSteps = values.steps ? Number(values.steps) : stepsPerEpoch * r.epochs;
  console.log(`${r.name}: ${split.train.count} training images, ${split.heldOut.count} held out (${split.description}); ${r.epochs} epochs of ${stepsPerEpoch} steps, batch ${r.batch}, tfjs ${backend}`);

  const t0 = performance.now();
  let step = 0;
  for (let epoch = 0; step < totalSteps; epoch++) {
    const order = rng.permutation(split.train.count);
    // Cosine decay to 5 % of the starting rate: the last epochs settle instead of bouncing.
    let lossSum = 0;
    for (let b = 0; b < stepsPerEpoch && step < totalSteps; b++, step++) {
      (opt as unknown as { learningRate: number }).learningRate = r.lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)));
      const n = Math.min(r.batch, split.train.count - b * r.batch);
      for (let i = 0; i < n; i++) {
        const j = order[b * r.batch + i]!;
        augment(split.train.images.subarray(j * pix, j * pix + pix), xb.subarray(i * pix, i * pix + pix), spec, r, rng);
        yb[i] = split.train.labels![j]!;
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(xb.subarray(0, n * pix), [n, spec.height, spec.width, spec.channels]);
        const y = tf.oneHot(tf.tensor1d(yb.subarray(0, n), "int32"), spec.classes);
        return opt.minimize(() => tf.losses.softmaxCrossEntropy(y, cnnForward(tf, spec, params, x, { dropoutSeed: rng.nextU32() }).logits) as tfjs.Scalar, true)!;
      });
      lossSum += (await loss.data())[0]!;
      loss.dispose();
      if (values.steps && step === 4) console.log(`(timing from here)`);
    }
    if (values.steps) {
      console.log(`${r.name}: ${((performance.now() - t0) / step).toFixed(1)} ms/step (incl. warm-up) → ${((stepsPerEpoch * (performance.now() - t0)) / step / 1000).toFixed(0)} s/epoch`);
      return;
    }
    const acc = accuracy(spec, params, split.heldOut, 1000);
    console.log(`${r.name}: epoch ${epoch + 1}/${r.epochs} loss ${(lossSum / stepsPerEpoch).toFixed(4)}, held-out accuracy (first 1000) ${(100 * acc).toFixed(2)} %, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const acc = accuracy(spec, params, split.heldOut);
  const weights = params.map((p) => p.dataSync() as Float32Array);
  const m = saveClassifier(join(outRoot, r.name), {
    name: r.name,
    dataset: r.family,
    classes: split.train.classes,
    input: "[-1, 1]",
    architecture: {
      ...spec,
      description: `conv3×3 ${spec.convs.join("→")} (ReLU, 2×2 max-pool between) → dense ${spec.features} (ReLU; the FD features) → dropout ${spec.dropout} → ${spec.classes} logits`,
      parameters: weights.reduce((s, w) => s + w.length, 0),
    },
    training: {
      script: "scripts/train-classifier.ts",
      images: split.train.count,
      epochs: r.epochs,
      batch: r.batch,
      optimizer: `Adam lr ${r.lr}, cosine decay to 5 %`,
      augmentation: [r.flip ? "random horizontal flip" : "", r.shift ? `random shift up to ${r.shift} px` : "", r.rotate ? `random rotation up to ±${r.rotate}°` : "", r.scale ? `random scale 1 ± ${r.scale}` : ""].filter(Boolean).join(", ") || "none",
      seed,
      seconds: Math.round(seconds),
      tfjs: backend,
    },
    heldOut: { dataset: split.heldOut.name, description: split.description, count: split.heldOut.count },
    accuracy: Number(acc.toFixed(5)),
  }, weights);
  console.log(`${r.name}: held-out accuracy ${(100 * acc).toFixed(2)} % on ${split.heldOut.count} images after ${seconds.toFixed(0)} s; sha256 ${m.sha256}`);
  tf.dispose([...params]);
  opt.dispose();
}

/** Copies one image into `out`, maybe mirrored, shifted, rotated and scaled (bilinear; the background is -1). */
function augment(src: Float32Array, out: Float32Array, spec: CnnSpec, r: Recipe, rng: Rng): void {
  const { height: h, width: w } = spec;
  const flip = r.flip && rng.uniform() < 0.5;
  const ty = r.shift ? rng.below(2 * r.shift + 1) - r.shift : 0;
  const tx = r.shift ? rng.below(2 * r.shift + 1) - r.shift : 0;
  // Drawn only when used, so a recipe without them replays the same random stream.
  const angle = r.rotate ? ((rng.uniform() * 2 - 1) * r.rotate * Math.PI) / 180 : 0;
  const zoom = r.scale ? 1 + (rng.uniform() * 2 - 1) * r.scale : 1;
  // Inverse map: output pixel → source position, about the image centre.
  const cos = Math.cos(angle) / zoom, sin = Math.sin(angle) / zoom;
  const cy = (h - 1) / 2, cx = (w - 1) / 2;
  const at = (y: number, x: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[y * w + (flip ? w - 1 - x : x)]! : -1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const oy = y - ty - cy, ox = x - tx - cx;
      const sy = cos * oy - sin * ox + cy;
      const sx = sin * oy + cos * ox + cx;
      const y0 = Math.floor(sy), x0 = Math.floor(sx);
      const fy = sy - y0, fx = sx - x0;
      out[y * w + x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
}

function accuracy(spec: CnnSpec, params: tfjs.Tensor[], data: Dataset, limit = data.count): number {
  const pix = spec.height * spec.width * spec.channels;
  let right = 0;
  for (let s = 0; s < limit; s += 500) {
    const n = Math.min(500, limit - s);
    const pred = tf.tidy(() => tf.argMax(cnnForward(tf, spec, params, tf.tensor4d(data.images.subarray(s * pix, (s + n) * pix), [n, spec.height, spec.width, spec.channels])).logits, 1).dataSync());
    for (let i = 0; i < n; i++) if (pred[i] === data.labels![s + i]) right++;
  }
  return right / limit;
}

/** sha256sum-format list of every shipped classifier file (`sha256sum -c SHA256SUMS` in assets/eval). */
function writeSums(): void {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry !== "SHA256SUMS" && !entry.endsWith(".md")) lines.push(`${sha256(readFileSync(path))}  ${relative(shippedClassifiersDir, path)}`);
    }
  };
  walk(shippedClassifiersDir);
  writeFileSync(join(shippedClassifiersDir, "SHA256SUMS"), lines.join("\n") + "\n");
  console.log(`assets/eval/SHA256SUMS lists ${lines.length} files.`);
}
