/**
 * Sample-quality benchmark for the course lab's MLP GAN, GenLab vs PyTorch: both train the same
 * recipe (G 100→256→512→1024→784, D 784→512→256→1, Adam 2e-4 β 0.5/0.999, batch 64) for the
 * same epochs on the same data, then GenLab's own evaluation classifier scores N samples of each
 * with the same classifier-feature Fréchet distance against the same real images.
 *   GenLab:  trainGan (native trainer when built, else TensorFlow.js)
 *   PyTorch: ../shared/bench/reference_gan.py --epochs E --save-samples FILE (float32 [N,784])
 * Both sample sets go through the same path: 8-bit quantisation (what a PNG holds), then [-1, 1].
 *
 *   npx tsx bench/gan-quality.ts [--data fashion|mnist] [--epochs 5] [--n 10000] [--seed 1] [--keep DIR]
 *
 * GenLab is scored twice from one run: its last G (the checkpoint: the same algorithm as the
 * reference, step for step) and the model it ships, the moving average of G's weights over epochs.
 *
 * Prints a table, the ratios genlab_fd / pytorch_fd (lower is better for GenLab; goal ≤ 1.0),
 * then one JSON line. Not a test: it takes minutes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadDataset } from "../src/engines/gan/datasets/index.ts";
import { loadModel } from "../src/engines/gan/model-files.ts";
import { GanSampler } from "../src/engines/gan/sample.ts";
import { toRawImages } from "../src/engines/gan/images.ts";
import { trainGan } from "../src/engines/gan/train.ts";
import { Classifier, classifierDirFor } from "../src/engines/eval/classifier.ts";
import { unitPixels } from "../src/engines/eval/evaluate.ts";
import { featureStats, frechetDistance } from "../src/engines/eval/frechet.ts";
import { labelDistribution } from "../src/engines/eval/distribution.ts";
import { knnPrecisionRecall } from "../src/engines/eval/knn.ts";
import { realReference } from "../src/engines/eval/real-stats.ts";
import { referenceScript } from "./references.ts";

const REFERENCE = referenceScript("reference_gan.py");
const PYTHON = "/usr/bin/python3";

const { values } = parseArgs({
  options: { data: { type: "string", default: "fashion" }, epochs: { type: "string", default: "5" }, n: { type: "string", default: "10000" }, seed: { type: "string", default: "1" }, keep: { type: "string" } },
});
const data = values.data === "mnist" ? "mnist" : "fashion";
const EPOCHS = Number(values.epochs);
const N = Number(values.n);
const SEED = Number(values.seed);
const work = values.keep ?? mkdtempSync(join(tmpdir(), "genlab-gan-quality-"));

interface Scored {
  fd: number;
  precision: number;
  recall: number;
  entropyBits: number;
  trainSeconds: number;
  implementation: string;
}

async function main(): Promise<void> {
  const dataset = loadDataset(data === "mnist" ? "mnist" : "fashion-mnist");
  const classifier = await Classifier.open(classifierDirFor(dataset.classes, dataset));
  const ref = realReference(classifier, join(work, "eval-cache"));
  console.log(`GAN quality: ${dataset.name} (${dataset.count} images), ${EPOCHS} epochs, batch 64, ${N} samples each, ${availableParallelism()} cores`);
  console.log(`judge: ${classifier.manifest.name} (sha256 ${classifier.sha256.slice(0, 12)}…, ${(100 * classifier.manifest.accuracy).toFixed(2)} % held-out accuracy); real set: ${ref.stats.n} images, ${ref.description}`);

  const score = (x: Float32Array, trainSeconds: number, implementation: string): Scored => {
    const out = classifier.classify(x, N);
    const dim = classifier.manifest.architecture.features;
    const m = Math.min(N, ref.sampleCount);
    const knn = knnPrecisionRecall(ref.sample.subarray(0, m * dim), m, out.features.subarray(0, m * dim), m, dim);
    return {
      fd: frechetDistance(ref.stats, featureStats(out.features, N, dim)),
      precision: knn.precision,
      recall: knn.recall,
      entropyBits: labelDistribution(out.probs, N, classifier.manifest.classes).entropyBits,
      trainSeconds,
      implementation,
    };
  };

  // GenLab
  const t0 = performance.now();
  const run = await trainGan({ dataset, arch: "mlp", conditional: false, epochs: EPOCHS, batch: 64, sampleEvery: EPOCHS, seed: SEED, outDir: join(work, "genlab"), resume: false });
  const genlabSeconds = (performance.now() - t0) / 1000;
  const scoreModel = async (dir: string): Promise<Scored> => {
    const sampler = await GanSampler.open(loadModel(dir));
    const s = score(unitPixels(sampler.sample({ n: N, seed: SEED }).images), genlabSeconds, sampler.implementation);
    sampler.dispose();
    return s;
  };
  const genlab = await scoreModel(join(work, "genlab", "checkpoint"));
  const averaged = await scoreModel(run.modelDir);
  console.log(`GenLab trained in ${genlabSeconds.toFixed(0)} s: FD ${genlab.fd.toFixed(3)} (last G), ${averaged.fd.toFixed(3)} (weight average, the model it ships)`);

  // PyTorch
  const samples = join(work, "pytorch-samples.f32");
  const t1 = performance.now();
  const args = [REFERENCE, "--data", data === "mnist" ? "mnist-json" : "fashion", "--epochs", String(EPOCHS), "--batch", "64", "--seed", String(SEED), "--save-samples", samples, "--n-samples", String(N)];
  if (data === "mnist") args.push("--mnist-dir", bareDigits());
  const p = existsSync(PYTHON) && existsSync(REFERENCE) ? spawnSync(PYTHON, args, { encoding: "utf8" }) : undefined;
  const torchSeconds = (performance.now() - t1) / 1000;
  let pytorch: Scored | undefined;
  let torchInfo: Record<string, unknown> | undefined;
  if (p?.status === 0 && existsSync(samples)) {
    torchInfo = JSON.parse(p.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    const raw = readFileSync(samples);
    const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    if (floats.length !== N * 784) throw new Error(`${samples} holds ${floats.length} floats, expected ${N}×784`);
    // Its own training-loop time (the process also imports torch and parses the data).
    pytorch = score(unitPixels(toRawImages(floats, N, { height: 28, width: 28, channels: 1 })), Number(torchInfo.seconds), `torch ${String(torchInfo.torch)} (${String(torchInfo.blas)}, ${String(torchInfo.threads)} threads)`);
    console.log(`PyTorch trained in ${Number(torchInfo.seconds).toFixed(0)} s (${torchSeconds.toFixed(0)} s with start-up and data loading): FD ${pytorch.fd.toFixed(3)}`);
  } else {
    console.log(`PyTorch reference did not run: ${p ? (p.stderr.trim().split("\n").at(-1) ?? `exit ${p.status}`) : `${PYTHON} or ${REFERENCE} missing`}`);
  }

  console.log("");
  console.log(`${"implementation".padEnd(16)} ${"FD".padStart(9)} ${"precision".padStart(9)} ${"recall".padStart(7)} ${"entropy".padStart(8)} ${"train s".padStart(8)}  runs on`);
  for (const [name, s] of [["GenLab last G", genlab], ["GenLab average", averaged], ["PyTorch", pytorch]] as const) {
    if (!s) continue;
    console.log(`${name.padEnd(16)} ${s.fd.toFixed(3).padStart(9)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ${s.entropyBits.toFixed(3).padStart(8)} ${s.trainSeconds.toFixed(0).padStart(8)}  ${s.implementation}`);
  }
  const ratio = pytorch ? genlab.fd / pytorch.fd : undefined;
  const shippedRatio = pytorch ? averaged.fd / pytorch.fd : undefined;
  if (ratio !== undefined) {
    console.log(`\nratio = genlab_fd / pytorch_fd = ${ratio.toFixed(3)} with the last G (same algorithm), ${shippedRatio!.toFixed(3)} with the weight average GenLab ships`);
    console.log("(goal ≤ 1.0; FD = classifier-feature Fréchet distance, not Inception FID)");
  }
  console.log(
    JSON.stringify({
      bench: "gan-quality",
      data: dataset.name,
      epochs: EPOCHS,
      samples: N,
      seed: SEED,
      classifier: { name: classifier.manifest.name, sha256: classifier.sha256 },
      genlab: round(genlab),
      genlab_average: round(averaged),
      pytorch: pytorch ? round(pytorch) : null,
      ratio: ratio === undefined ? null : Number(ratio.toFixed(4)),
      ratio_average: shippedRatio === undefined ? null : Number(shippedRatio.toFixed(4)),
    }),
  );
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}

/**
 * reference_gan.py reads each digits file as a bare JSON array, while the npm package wraps them
 * as {"data": [...]}: the same 10,000 digits, rewritten bare into the work folder.
 */
function bareDigits(): string {
  const dir = join(work, "mnist-digits");
  mkdirSync(dir, { recursive: true });
  const src = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  for (let d = 0; d < 10; d++) {
    const parsed = JSON.parse(readFileSync(join(src, `${d}.json`), "utf8")) as number[] | { data: number[] };
    writeFileSync(join(dir, `${d}.json`), JSON.stringify(Array.isArray(parsed) ? parsed : parsed.data));
  }
  return dir;
}

function round(s: Scored): Record<string, unknown> {
  return { fd: Number(s.fd.toFixed(4)), precision: s.precision, recall: s.recall, entropy_bits: Number(s.entropyBits.toFixed(4)), train_seconds: Math.round(s.trainSeconds), implementation: s.implementation };
}

await main();
