/**
 * Training-speed benchmark for the course lab's MLP GAN, GenLab vs PyTorch, in one run:
 *   (a) GenLab's native fused step (native/ addon, OpenBLAS),
 *   (b) a hand-written TensorFlow.js step on the wasm backend (manual backprop, tf.train.adam),
 *   (c) ../shared/bench/reference_gan.py (PyTorch CPU + OpenBLAS), same recipe and batch,
 * plus the time to sample 64 images (native generate() vs tfjs). (a) and (b) train on the same
 * real Fashion-MNIST batches (Debian's dataset-fashion-mnist, x/127.5 − 1).
 *
 *   npx tsx bench/gan-train.ts [--steps 300] [--tfjs-steps 20] [--threads N] [--rounds 1]
 *                              [--no-tfjs] [--no-pytorch] [--profile]
 *
 * Each timed step includes what the PyTorch loop's does: gathering the batch and drawing z.
 * Prints a table, then one JSON line.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { loadDataset } from "../src/engines/gan/datasets/index.ts";
import { initMlp } from "../src/engines/gan/mlp-init.ts";
import { Rng } from "../src/engines/runtime/random.ts";
import { loadNative, nativeUnavailableReason, type MlpSpec, type MlpWeights } from "../src/engines/gan/native.ts";
import { referenceScript } from "./references.ts";

const REFERENCE = referenceScript("reference_gan.py");
const PYTHON = "/usr/bin/python3";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const STEPS = arg("steps", 300);
const TFJS_STEPS = arg("tfjs-steps", 20);
const BATCH = arg("batch", 64);
const THREADS = arg("threads", availableParallelism());
const ROUNDS = arg("rounds", 1);
const WARMUP = 5;

const SPEC: MlpSpec = {
  gLayers: [100, 256, 512, 1024, 784],
  dLayers: [784, 512, 256, 1],
  numClasses: 0,
  slope: 0.2,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  eps: 1e-8,
};
const Z = SPEC.gLayers[0]!, IMG = SPEC.gLayers.at(-1)!;

// ---- data -------------------------------------------------------------------------------------

/** Fashion-MNIST train through GenLab's own loader, flattened as the MLP sees it. */
function loadFashion(): { x: Float32Array; n: number } {
  const ds = loadDataset("fashion-mnist");
  return { x: ds.images, n: ds.count };
}

class Batches {
  private perm: Uint32Array;
  private j = 0;
  readonly real = new Float32Array(BATCH * IMG);
  readonly z = new Float32Array(BATCH * Z);
  private r = new Rng(1234);
  constructor(private data: { x: Float32Array; n: number }) {
    this.perm = this.r.permutation(data.n);
  }
  /** Fills real and z with the next batch; returns its size (the last batch of an epoch is smaller). */
  next(): number {
    if (this.j >= this.data.n) {
      this.j = 0;
      this.perm = this.r.permutation(this.data.n);
    }
    const b = Math.min(BATCH, this.data.n - this.j);
    for (let i = 0; i < b; i++) {
      const src = this.perm[this.j + i]! * IMG;
      this.real.set(this.data.x.subarray(src, src + IMG), i * IMG);
    }
    this.j += b;
    this.r.fillNormals(b === BATCH ? this.z : this.z.subarray(0, b * Z));
    return b;
  }
}


/** Share of CPU time the machine spent busy over `ms` (Linux /proc/stat), to flag timings taken on a busy box. */
async function machineBusy(ms = 500): Promise<number | undefined> {
  const sample = () => {
    try {
      const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3]! + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  if (!a || !b || b.total === a.total) return undefined;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

// ---- (a) native --------------------------------------------------------------------------------

interface ImplResult { msPerStep: number; steps: number; lastDLoss: number; lastGLoss: number; threads: number }

function benchNative(data: { x: Float32Array; n: number }, init: MlpWeights) {
  const addon = loadNative();
  if (!addon) return undefined;
  addon.setThreads(THREADS);
  const gan = addon.createMlpGan(SPEC, init);
  const batches = new Batches(data);
  for (let i = 0; i < WARMUP; i++) {
    const b = batches.next();
    gan.step(batches.real, batches.z, null, b);
  }
  if (flag("profile")) gan.setProfiling(true);
  let last = { dLoss: NaN, gLoss: NaN };
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) {
    const b = batches.next();
    last = gan.step(batches.real, batches.z, null, b);
  }
  const ms = (performance.now() - t0) / STEPS;
  const timings = flag("profile") ? gan.timings() : undefined;

  // Sampling 64 images (the /generate path): z in, 64×784 tanh out.
  const z = new Float32Array(64 * Z);
  new Rng(7).fillNormals(z);
  for (let i = 0; i < 10; i++) gan.generate(z, null, 64);
  const reps: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    gan.generate(z, null, 64);
    reps.push(performance.now() - t);
  }
  return {
    result: { msPerStep: ms, steps: STEPS, lastDLoss: last.dLoss, lastGLoss: last.gLoss, threads: addon.threads } as ImplResult,
    sample64Ms: median(reps),
    blas: addon.blas,
    timings,
  };
}

// ---- (b) TensorFlow.js (wasm): hand-written forward/backward, tf.train.adam ------------------

interface Layer { W: tf.Variable; b: tf.Variable }

class TfjsGan {
  g: Layer[];
  d: Layer[];
  optG = tf.train.adam(SPEC.lr, SPEC.beta1, SPEC.beta2, SPEC.eps);
  optD = tf.train.adam(SPEC.lr, SPEC.beta1, SPEC.beta2, SPEC.eps);

  constructor(init: MlpWeights) {
    const layers = (widths: number[], ts: Float32Array[], net: string) =>
      widths.slice(1).map((out, k) => ({
        W: tf.variable(tf.tensor2d(ts[2 * k]!, [widths[k]!, out]), true, `${net}W${k}`),
        b: tf.variable(tf.tensor1d(ts[2 * k + 1]!), true, `${net}b${k}`),
      }));
    this.g = layers(SPEC.gLayers, init.g, "g");
    this.d = layers(SPEC.dLayers, init.d, "d");
  }

  /** Returns [input, every layer's output]; hidden LeakyReLU, last tanh (G) or identity (D logits). */
  forward(x: tf.Tensor2D, net: Layer[], last: "tanh" | "none"): tf.Tensor2D[] {
    const acts = [x];
    net.forEach((L, k) => {
      const z = tf.add(tf.matMul(acts[k]!, L.W as tf.Tensor2D), L.b) as tf.Tensor2D;
      acts.push(k + 1 < net.length ? tf.leakyRelu(z, SPEC.slope) : last === "tanh" ? tf.tanh(z) : z);
    });
    return acts;
  }

  /** Backprop dOut (gradient w.r.t. the last output) through `net`; param grads by variable name, and dInput. */
  backward(acts: tf.Tensor2D[], dOut: tf.Tensor2D, net: Layer[], last: "tanh" | "none", params: boolean, dInput: boolean) {
    const grads: { name: string; tensor: tf.Tensor }[] = [];
    let d = dOut;
    for (let k = net.length - 1; k >= 0; k--) {
      const y = acts[k + 1]!;
      if (k + 1 < net.length) d = tf.where(tf.greater(y, 0), d, tf.mul(d, SPEC.slope));
      else if (last === "tanh") d = tf.mul(d, tf.sub(1, tf.square(y)));
      if (params) {
        grads.push({ name: net[k]!.W.name, tensor: tf.matMul(acts[k]!, d, true, false) });
        grads.push({ name: net[k]!.b.name, tensor: tf.sum(d, 0) });
      }
      if (k > 0 || dInput) d = tf.matMul(d, net[k]!.W as tf.Tensor2D, false, true);
    }
    return { grads, dIn: d };
  }

  step(real: Float32Array, z: Float32Array, b: number): { dLoss: number; gLoss: number } {
    return tf.tidy(() => {
      const gActs = this.forward(tf.tensor2d(z.subarray(0, b * Z), [b, Z]), this.g, "tanh");
      const fake = gActs.at(-1)!;
      // D step on [real; fake] as one batch: BCE-with-logits, d loss/d logit = (σ(l) − y)/b.
      const x = tf.concat([tf.tensor2d(real.subarray(0, b * IMG), [b, IMG]), fake], 0);
      const y = tf.concat([tf.ones([b, 1]), tf.zeros([b, 1])], 0);
      const dActs = this.forward(x, this.d, "none");
      const logits = dActs.at(-1)!;
      const dLoss = tf.mul(tf.sum(tf.sub(tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), tf.mul(logits, y))), 1 / b);
      const dl = tf.div(tf.sub(tf.sigmoid(logits), y), b) as tf.Tensor2D;
      this.optD.applyGradients(this.backward(dActs, dl, this.d, "none", true, false).grads);
      // G step through the updated D, reusing fake.
      const dActs2 = this.forward(fake, this.d, "none");
      const l2 = dActs2.at(-1)!;
      const gLoss = tf.mean(tf.add(tf.relu(tf.neg(l2)), tf.log1p(tf.exp(tf.neg(tf.abs(l2))))));
      const dFake = this.backward(dActs2, tf.div(tf.sub(tf.sigmoid(l2), 1), b) as tf.Tensor2D, this.d, "none", false, true).dIn;
      this.optG.applyGradients(this.backward(gActs, dFake, this.g, "tanh", true, false).grads);
      return { dLoss: dLoss.dataSync()[0]!, gLoss: gLoss.dataSync()[0]! };
    });
  }

  generate(z: Float32Array, n: number): Float32Array {
    return tf.tidy(() => this.forward(tf.tensor2d(z, [n, Z]), this.g, "tanh").at(-1)!.dataSync() as Float32Array);
  }
}

async function benchTfjs(data: { x: Float32Array; n: number }, init: MlpWeights) {
  setThreadsCount(THREADS); // honoured only where wasm threads are available
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend did not initialise");
  await tf.ready();
  const gan = new TfjsGan(init);
  const batches = new Batches(data);
  for (let i = 0; i < 3; i++) {
    const b = batches.next();
    gan.step(batches.real, batches.z, b);
  }
  let last = { dLoss: NaN, gLoss: NaN };
  const t0 = performance.now();
  for (let s = 0; s < TFJS_STEPS; s++) {
    const b = batches.next();
    last = gan.step(batches.real, batches.z, b);
  }
  const ms = (performance.now() - t0) / TFJS_STEPS;
  const z = new Float32Array(64 * Z);
  new Rng(7).fillNormals(z);
  for (let i = 0; i < 3; i++) gan.generate(z, 64);
  const reps: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    gan.generate(z, 64);
    reps.push(performance.now() - t);
  }
  return {
    result: { msPerStep: ms, steps: TFJS_STEPS, lastDLoss: last.dLoss, lastGLoss: last.gLoss, threads: getThreadsCount() } as ImplResult,
    sample64Ms: median(reps),
    simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
    multithread: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT"),
  };
}

// ---- (c) PyTorch --------------------------------------------------------------------------------

function benchPytorch() {
  if (!existsSync(PYTHON) || !existsSync(REFERENCE)) return { error: `${PYTHON} or ${REFERENCE} missing` };
  const p = spawnSync(PYTHON, [REFERENCE, "--data", "fashion", "--steps", String(STEPS), "--batch", String(BATCH), "--threads", String(THREADS)], {
    encoding: "utf8",
  });
  const line = p.stdout.trim().split("\n").at(-1) ?? "";
  if (p.status !== 0 || !line.startsWith("{")) return { error: (p.stderr.trim().split("\n").at(-1) ?? "") || `exit ${p.status}` };
  const j = JSON.parse(line) as { seconds: number; steps: number; threads: number; blas: string; torch: string; last_d_loss: number; last_g_loss: number };
  return {
    result: { msPerStep: (1000 * j.seconds) / j.steps, steps: j.steps, lastDLoss: j.last_d_loss, lastGLoss: j.last_g_loss, threads: j.threads } as ImplResult,
    blas: j.blas,
    torch: j.torch,
  };
}

// ---- main ------------------------------------------------------------------------------------------

async function main() {
  const data = loadFashion();
  const init: MlpWeights = initMlp({ g: SPEC.gLayers, d: SPEC.dLayers }, new Rng(1));
  console.log(`GAN MLP ${SPEC.gLayers.join("→")} / ${SPEC.dLayers.join("→")}, batch ${BATCH}, Fashion-MNIST ${data.n} images, ${availableParallelism()} cores`);
  const busyBefore = await machineBusy();
  if (busyBefore !== undefined && busyBefore > 0.1) {
    console.log(`warning: the machine is ${(100 * busyBefore).toFixed(0)}% busy with other work; timings will be unreliable`);
  }

  const natives: NonNullable<ReturnType<typeof benchNative>>[] = [];
  const torches: ReturnType<typeof benchPytorch>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const n = benchNative(data, init);
    if (n) natives.push(n);
    if (!flag("no-pytorch")) torches.push(benchPytorch());
  }
  const tfjs = flag("no-tfjs") ? undefined : await benchTfjs(data, init);
  const busyAfter = await machineBusy();

  const best = <T extends { result?: ImplResult }>(xs: T[]) =>
    xs.filter((x) => x.result).sort((a, b) => a.result!.msPerStep - b.result!.msPerStep)[0];
  const native = best(natives);
  const torch = best(torches);
  const torchError = torches.find((t) => "error" in t) as { error: string } | undefined;

  const rows: [string, ImplResult | undefined, string][] = [
    ["GenLab native (OpenBLAS)", native?.result, native ? native.blas : `unavailable: ${nativeUnavailableReason()}`],
    ["TensorFlow.js wasm", tfjs?.result, tfjs ? `simd=${tfjs.simd} multithread=${tfjs.multithread}` : "skipped"],
    ["PyTorch (reference_gan.py)", torch?.result, torch && "torch" in torch ? `torch ${torch.torch}, blas ${torch.blas}` : (torchError?.error ?? "skipped")],
  ];
  console.log("");
  console.log(`${"implementation".padEnd(28)} ${"ms/step".padStart(9)} ${"steps".padStart(6)} ${"threads".padStart(7)} ${"epoch(60k) s".padStart(12)}  last D/G loss   notes`);
  for (const [name, r, note] of rows) {
    if (!r) {
      console.log(`${name.padEnd(28)} ${"—".padStart(9)}  ${note}`);
      continue;
    }
    console.log(
      `${name.padEnd(28)} ${r.msPerStep.toFixed(2).padStart(9)} ${String(r.steps).padStart(6)} ${String(r.threads).padStart(7)} ${((938 * r.msPerStep) / 1000).toFixed(1).padStart(12)}  ${r.lastDLoss.toFixed(3)}/${r.lastGLoss.toFixed(3)}    ${note}`,
    );
  }
  const ratio = native && torch?.result ? native.result.msPerStep / torch.result.msPerStep : undefined;
  const ratioTfjs = tfjs && torch?.result ? tfjs.result.msPerStep / torch.result.msPerStep : undefined;
  console.log("");
  if (ratio !== undefined) console.log(`ratio = genlab_step_time / pytorch_step_time = ${ratio.toFixed(3)}`);
  if (ratioTfjs !== undefined) console.log(`ratio_tfjs = tfjs_wasm_step_time / pytorch_step_time = ${ratioTfjs.toFixed(3)}`);
  console.log(`sample 64 images: native ${native ? native.sample64Ms.toFixed(3) + " ms" : "—"}, tfjs wasm ${tfjs ? tfjs.sample64Ms.toFixed(2) + " ms" : "—"}`);
  if (ROUNDS > 1) {
    console.log(`rounds: native ${natives.map((n) => n.result.msPerStep.toFixed(2)).join(", ")} ms; pytorch ${torches.map((t) => (t.result ? t.result.msPerStep.toFixed(2) : "—")).join(", ")} ms (best of each used)`);
  }
  if (native?.timings) {
    const t = native.timings;
    console.log(`native step phases (ms/step over ${t.steps} steps): ` + Object.entries(t.ms).map(([k, v]) => `${k} ${(v / t.steps).toFixed(3)}`).join(", "));
  }
  console.log(
    JSON.stringify({
      bench: "gan-train",
      batch: BATCH,
      steps: STEPS,
      cores: availableParallelism(),
      native: native ? { ms_per_step: +native.result.msPerStep.toFixed(3), threads: native.result.threads, blas: native.blas, sample64_ms: +native.sample64Ms.toFixed(3) } : null,
      tfjs_wasm: tfjs ? { ms_per_step: +tfjs.result.msPerStep.toFixed(3), steps: tfjs.result.steps, threads: tfjs.result.threads, simd: tfjs.simd, multithread: tfjs.multithread, sample64_ms: +tfjs.sample64Ms.toFixed(3) } : null,
      pytorch: torch?.result && "torch" in torch ? { ms_per_step: +torch.result.msPerStep.toFixed(3), threads: torch.result.threads, blas: torch.blas, torch: torch.torch } : torchError ?? null,
      ratio: ratio === undefined ? null : +ratio.toFixed(4),
      ratio_tfjs: ratioTfjs === undefined ? null : +ratioTfjs.toFixed(4),
      machine_busy_before: busyBefore === undefined ? null : +busyBefore.toFixed(3),
      machine_busy_after: busyAfter === undefined ? null : +busyAfter.toFixed(3),
    }),
  );
}

await main();
