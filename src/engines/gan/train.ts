import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gridPng } from "../../images/encode.ts";
import { EngineInputError } from "../errors.ts";
import type { Dataset } from "./datasets/types.ts";
import { toRawImages } from "./images.ts";
import { concatParams, loadModel, readBlob, saveModel, splitParams } from "./model-files.ts";
import { Rng, type RngState } from "../runtime/random.ts";
import { mlpLayers, pixels, type Arch, type GanSpec } from "./spec.ts";
import { createTrainer } from "./trainer-factory.ts";
import { WeightAverage } from "./weight-average.ts";
import { parameterNames, type OptimizerState, type Trainer, type Weights } from "./trainer.ts";

export interface TrainOptions {
  dataset: Dataset;
  arch: Arch;
  conditional: boolean;
  /**
   * Conditional GANs: the AC-GAN discriminator (see GanSpec.auxClassifier). Unset: on for
   * conditional GANs, and a resumed run keeps what its checkpoint was trained with.
   */
  auxClassifier?: boolean;
  epochs: number;
  batch: number;
  /** Save a sample grid from the fixed noise every k epochs (and after the last). */
  sampleEvery: number;
  seed: number;
  outDir: string;
  /** Continue from outDir/checkpoint when there is one. */
  resume: boolean;
  /** Adam learning rate (the lab's 2e-4 when unset). */
  lr?: number;
  /**
   * Per-epoch decay of the moving average of G's weights that becomes the model (see
   * WeightAverage); 0 keeps the last step's G. Default 0.9.
   */
  emaDecay?: number;
  /** Train a DCGAN on TensorFlow.js's JavaScript backend even though it is very slow. */
  allowSlowBackend?: boolean;
  name?: string;
  signal?: AbortSignal;
  /** Awaited, so a listener that posts each epoch keeps them in order. */
  onEvent?: (event: TrainEvent) => void | Promise<void>;
}

export interface EpochMetrics {
  epoch: number;
  d_loss: number;
  g_loss: number;
  d_acc: number;
  d_real: number;
  d_fake: number;
  /** AC-GAN only: share of real / fake images whose class D's classifier head gets right. */
  d_class_real?: number;
  d_class_fake?: number;
  seconds: number;
  images_per_s: number;
  g_weight_norms: Record<string, number>;
  /** Mean over the epoch's steps of each G parameter's gradient norm. */
  g_grad_norms: Record<string, number>;
}

export type TrainEvent =
  | { type: "start"; implementation: string; startEpoch: number; epochs: number; stepsPerEpoch: number; images: number; resumed: boolean }
  | { type: "progress"; epoch: number; step: number; steps: number }
  /** `sample`: the PNG written to samplePath, so a listener in another thread needs no file read. */
  | { type: "epoch"; metrics: EpochMetrics; samplePath?: string; sample?: Uint8Array }
  | { type: "done"; modelDir: string; finalGrid: string; stopped: boolean; epochsDone: number };

interface CheckpointState {
  epoch: number;
  rng: RngState;
  optimizerStep: number;
  seed: number;
  /** Updates of the weight average so far (its weights are generator-ema.bin); absent: none. */
  emaUpdates?: number;
}

export const DEFAULT_EMA_DECAY = 0.9;

const FIXED_SAMPLES = 64;
const METRICS_HEADER = "epoch,d_loss,g_loss,d_acc,d_real,d_fake,seconds,images_per_s\n";

/**
 * Trains a GAN the lab's way and leaves in outDir: the model (model.json + weights),
 * metrics.csv, config.json, samples/epoch-NNN.png from a fixed noise, final-grid.png (100
 * images) and checkpoint/ (weights, Adam state, epoch, RNG state) after every epoch, so a
 * killed run resumes where it stopped.
 */
export async function trainGan(o: TrainOptions): Promise<{ modelDir: string; epochsDone: number; stopped: boolean }> {
  const ds = o.dataset;
  if (o.conditional && !ds.labels) throw new EngineInputError(`A conditional GAN needs labels, and ${ds.name} has none: give a labels file or drop --conditional.`);
  if (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 1024) throw new EngineInputError(`--batch must be a whole number from 1 to 1024, not ${o.batch}.`);
  if (o.lr !== undefined && !(o.lr > 0 && o.lr <= 0.1)) throw new EngineInputError(`The learning rate must be above 0 and at most 0.1, not ${o.lr}.`);
  const emaDecay = o.emaDecay ?? DEFAULT_EMA_DECAY;
  if (!(emaDecay >= 0 && emaDecay < 1)) throw new EngineInputError(`The weight-average decay must be at least 0 and below 1 (0 turns it off), not ${o.emaDecay}.`);
  if (o.auxClassifier && !o.conditional) throw new EngineInputError("The auxiliary-classifier discriminator is for conditional GANs: add --conditional, or use --conditioning concat.");
  const checkpointDir = join(o.outDir, "checkpoint");
  const ck = o.resume && existsSync(join(checkpointDir, "model.json")) ? loadModel(checkpointDir, { discriminator: true }) : undefined;
  const aux = o.auxClassifier ?? (ck ? ck.manifest.spec.auxClassifier === true : o.conditional);
  const spec: GanSpec = { arch: o.arch, conditional: o.conditional, ...(aux ? { auxClassifier: true } : {}), zDim: 100, height: ds.height, width: ds.width, channels: ds.channels, classes: ds.classes };
  const name = o.name ?? `${ds.name.replace(/[^\w-]+/g, "-")}-${o.arch}${o.conditional ? "-cond" : ""}`;
  mkdirSync(join(o.outDir, "samples"), { recursive: true });

  // Shuffling and noise draw from their own stream (weights were initialised from `seed`).
  let rng = new Rng((o.seed ^ 0x9e3779b9) >>> 0);
  let startEpoch = 1;
  let trainer: Trainer;
  let resumed = false;
  let ema = new WeightAverage(emaDecay);
  if (ck) {
    assertSameSpec(ck.manifest.spec, spec, checkpointDir);
    const state = ck.manifest.training as unknown as CheckpointState;
    trainer = await createTrainer(spec, { seed: o.seed, init: { g: ck.generator, d: ck.discriminator! }, allowSlow: o.allowSlowBackend, lr: o.lr });
    trainer.setOptimizerState(readOptimizer(checkpointDir, ck.manifest.files, trainer, state.optimizerStep));
    if (state.emaUpdates && ck.manifest.files[EMA_FILE]) {
      const sizes = ck.generator.map((g) => g.length);
      ema = new WeightAverage(emaDecay, state.emaUpdates, splitParams(readBlob(checkpointDir, EMA_FILE, ck.manifest.files), sizes));
    }
    rng = Rng.fromState(state.rng);
    startEpoch = state.epoch + 1;
    resumed = true;
    keepMetricsUpTo(join(o.outDir, "metrics.csv"), state.epoch);
  } else {
    trainer = await createTrainer(spec, { seed: o.seed, allowSlow: o.allowSlowBackend, lr: o.lr });
    writeFileSync(join(o.outDir, "metrics.csv"), METRICS_HEADER);
  }
  writeFileSync(join(o.outDir, "config.json"), JSON.stringify({ name, spec, dataset: ds.name, images: ds.count, epochs: o.epochs, batch: o.batch, seed: o.seed, sampleEvery: o.sampleEvery, emaDecay, implementation: trainer.implementation }, null, 2) + "\n");

  const pix = pixels(spec);
  const stepsPerEpoch = Math.ceil(ds.count / o.batch);
  const gNames = parameterNames(trainer.getWeights().g.length);
  // Fixed noise (and labels: row k = class k) so sample grids compare across epochs.
  const fixed = fixedInputs(spec, o.seed);
  const real = new Float32Array(o.batch * pix);
  const labels = o.conditional ? new Int32Array(o.batch) : null;
  const z = new Float32Array(o.batch * spec.zDim);
  await o.onEvent?.({ type: "start", implementation: trainer.implementation, startEpoch, epochs: o.epochs, stepsPerEpoch, images: ds.count, resumed });

  let stopped = false;
  let epoch = startEpoch;
  let lastBreath = performance.now();
  for (; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const order = rng.permutation(ds.count);
    const sums = { d: 0, g: 0, acc: 0, real: 0, fake: 0, classReal: 0, classFake: 0 };
    const gradSums = new Float64Array(gNames.length);
    for (let s = 0; s < stepsPerEpoch; s++) {
      if (o.signal?.aborted) {
        stopped = true;
        break;
      }
      const b = Math.min(o.batch, ds.count - s * o.batch);
      for (let i = 0; i < b; i++) {
        const j = order[s * o.batch + i]!;
        real.set(ds.images.subarray(j * pix, (j + 1) * pix), i * pix);
        if (labels) labels[i] = ds.labels![j]!;
      }
      const r = trainer.step(real, rng.fillNormals(z.subarray(0, b * spec.zDim)), labels, b);
      sums.d += r.dLoss;
      sums.g += r.gLoss;
      sums.acc += r.dAcc;
      sums.real += r.dReal;
      sums.fake += r.dFake;
      sums.classReal += r.dClassReal ?? 0;
      sums.classFake += r.dClassFake ?? 0;
      trainer.gradNorms().forEach((n, i) => (gradSums[i]! += n));
      // By time, not steps (a DCGAN step on wasm takes seconds): the event loop must breathe
      // often enough for signals and the job queue's heartbeats.
      if (performance.now() - lastBreath > 200) {
        await o.onEvent?.({ type: "progress", epoch, step: s + 1, steps: stepsPerEpoch });
        await new Promise((r) => setImmediate(r));
        lastBreath = performance.now();
      }
    }
    if (stopped) break;
    const seconds = (performance.now() - t0) / 1000;
    const n = stepsPerEpoch;
    const metrics: EpochMetrics = {
      epoch,
      d_loss: sums.d / n,
      g_loss: sums.g / n,
      d_acc: sums.acc / n,
      d_real: sums.real / n,
      d_fake: sums.fake / n,
      ...(spec.auxClassifier ? { d_class_real: sums.classReal / n, d_class_fake: sums.classFake / n } : {}),
      seconds: round(seconds, 3),
      images_per_s: Math.round(ds.count / seconds),
      g_weight_norms: Object.fromEntries(trainer.weightNorms().map((v, i) => [gNames[i]!, v])),
      g_grad_norms: Object.fromEntries(Array.from(gradSums, (v, i) => [gNames[i]!, v / n])),
    };
    appendFileSync(join(o.outDir, "metrics.csv"), `${epoch},${[metrics.d_loss, metrics.g_loss, metrics.d_acc, metrics.d_real, metrics.d_fake].map((v) => round(v, 5)).join(",")},${metrics.seconds},${metrics.images_per_s}\n`);
    let samplePath: string | undefined;
    let sample: Uint8Array | undefined;
    if (epoch % o.sampleEvery === 0 || epoch === o.epochs) {
      samplePath = join(o.outDir, "samples", `epoch-${String(epoch).padStart(3, "0")}.png`);
      sample = await gridPng(toRawImages(trainer.generate(fixed.z, fixed.labels, fixed.n), fixed.n, spec), { columns: fixed.columns });
      writeFileSync(samplePath, sample);
    }
    // Listeners first, checkpoint second: a crash in between repeats this epoch on resume
    // (bit-identically), where the other order could lose it for whoever records epochs.
    await o.onEvent?.({ type: "epoch", metrics, samplePath, sample });
    const weights = trainer.getWeights();
    ema.update(weights.g);
    saveCheckpoint(checkpointDir, name, spec, trainer, weights, ema, { epoch, rng: rng.state(), seed: o.seed, emaUpdates: ema.updates });
  }

  const epochsDone = stopped ? epoch - 1 : o.epochs;
  const w = trainer.getWeights();
  const shapes = networkShapes(spec, trainer);
  // The model is the weight average of G (D as it ended); the final grid shows that model.
  const generator = ema.weights() ?? w.g;
  const averaged = ema.weights() ? { decay: ema.decay, epochs: ema.updates } : null;
  saveModel(join(o.outDir, "model"), { name, spec, training: { dataset: ds.name, images: ds.count, epochs: epochsDone, batch: o.batch, seed: o.seed, implementation: trainer.implementation, weightAverage: averaged } }, { generator, discriminator: w.d }, shapes);
  if (averaged) trainer.setWeights({ g: generator, d: w.d });
  const final = finalInputs(spec, o.seed);
  const finalGrid = join(o.outDir, "final-grid.png");
  writeFileSync(finalGrid, await gridPng(toRawImages(trainer.generate(final.z, final.labels, final.n), final.n, spec), { columns: 10 }));
  trainer.dispose();
  await o.onEvent?.({ type: "done", modelDir: join(o.outDir, "model"), finalGrid, stopped, epochsDone });
  return { modelDir: join(o.outDir, "model"), epochsDone, stopped };
}

export function networkShapes(spec: GanSpec, trainer: Trainer): { generator: number[][]; discriminator: number[][] } {
  if (trainer.shapes) return trainer.shapes();
  const l = mlpLayers(spec);
  const shapes = (w: number[]) => w.slice(0, -1).flatMap((inW, i) => [[inW, w[i + 1]!], [w[i + 1]!]]);
  return { generator: shapes(l.g), discriminator: shapes(l.d) };
}

const EMA_FILE = "generator-ema.bin";

/** `w` is the trainer's current weights (the caller has them already: one copy per epoch). */
function saveCheckpoint(dir: string, name: string, spec: GanSpec, trainer: Trainer, w: Weights, ema: WeightAverage, state: Omit<CheckpointState, "optimizerStep">): void {
  const opt = trainer.getOptimizerState();
  const extra: Record<string, Buffer> = { "optimizer.bin": concatParams([...opt.g.m, ...opt.g.v, ...opt.d.m, ...opt.d.v]) };
  const averaged = ema.weights();
  if (averaged) extra[EMA_FILE] = concatParams(averaged);
  const training: CheckpointState = { ...state, optimizerStep: opt.step };
  saveModel(dir, { name, spec, training: training as unknown as Record<string, unknown> }, { generator: w.g, discriminator: w.d }, networkShapes(spec, trainer), extra);
}

function readOptimizer(dir: string, files: Record<string, string>, trainer: Trainer, step: number): OptimizerState {
  // Sizes from the trainer's own (fresh) Adam state: only trainable weights have moments
  // (a DCGAN's batch-norm statistics do not).
  const fresh = trainer.getOptimizerState();
  const gSizes = fresh.g.m.map((a) => a.length);
  const dSizes = fresh.d.m.map((a) => a.length);
  const parts = splitParams(readBlob(dir, "optimizer.bin", files), [...gSizes, ...gSizes, ...dSizes, ...dSizes]);
  const g = gSizes.length;
  const d = dSizes.length;
  return { step, g: { m: parts.slice(0, g), v: parts.slice(g, 2 * g) }, d: { m: parts.slice(2 * g, 2 * g + d), v: parts.slice(2 * g + d) } };
}

/** A kill between writing an epoch's metrics row and its checkpoint must not leave that row twice. */
function keepMetricsUpTo(path: string, epoch: number): void {
  if (!existsSync(path)) return writeFileSync(path, METRICS_HEADER);
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  writeFileSync(path, [header, ...rows.filter((r) => Number(r.split(",")[0]) <= epoch)].join("\n") + "\n");
}

function assertSameSpec(saved: GanSpec, wanted: GanSpec, dir: string): void {
  const keys: (keyof GanSpec)[] = ["arch", "conditional", "auxClassifier", "zDim", "height", "width", "channels"];
  const diff = keys.filter((k) => (saved[k] ?? false) !== (wanted[k] ?? false));
  if (diff.length || saved.classes.length !== wanted.classes.length) {
    throw new EngineInputError(`The checkpoint in ${dir} is for a different GAN (${diff.join(", ") || "classes"} differ): use another --out folder, or drop --resume to start over there.`);
  }
}

/** 64 fixed samples; a conditional GAN gets rows of classes so each row shows one class. */
function fixedInputs(spec: GanSpec, seed: number) {
  const rng = new Rng(seed ^ 0x5eed5eed);
  const k = spec.classes.length;
  const n = spec.conditional ? k * Math.min(8, Math.floor(64 / k)) : FIXED_SAMPLES;
  const columns = spec.conditional ? n / k : 8;
  const labels = spec.conditional ? Int32Array.from({ length: n }, (_, i) => Math.floor(i / columns)) : null;
  return { n, columns, z: rng.normals(n * spec.zDim), labels };
}

/** The 100 final images: a 10×10 grid, one class per row for a conditional GAN. */
function finalInputs(spec: GanSpec, seed: number) {
  const rng = new Rng(seed ^ 0xf1a1);
  const n = 100;
  const labels = spec.conditional ? Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10) % spec.classes.length) : null;
  return { n, z: rng.normals(n * spec.zDim), labels };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
