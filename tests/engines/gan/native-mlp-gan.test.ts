import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  loadNative,
  resetNativeCache,
  type MlpSpec,
  type MlpWeights,
  type NativeMlpGan,
  type StepResult,
} from "../../../src/engines/gan/native.ts";

/**
 * The native fused GAN step against an independent TensorFlow.js (cpu backend) reference that
 * spells out /work/shared/bench/reference_gan.py: Sigmoid + BCELoss (not the addon's logit form),
 * fake = G(z) once per step, the G step through the D *after* its Adam update, torch's Adam formula
 * (in plain JS on the tfjs gradients).
 */

const native = loadNative();

const ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 };
const LAB: MlpSpec = { gLayers: [100, 256, 512, 1024, 784], dLayers: [784, 512, 256, 1], numClasses: 0, slope: 0.2, ...ADAM };
const LAB_COND: MlpSpec = { ...LAB, gLayers: [110, 256, 512, 1024, 784], dLayers: [794, 512, 256, 1], numClasses: 10 };
const SMALL: MlpSpec = { gLayers: [12, 32, 48, 20], dLayers: [20, 24, 1], numClasses: 0, slope: 0.2, ...ADAM };
const SMALL_COND: MlpSpec = { ...SMALL, gLayers: [15, 32, 48, 20], dLayers: [23, 24, 1], numClasses: 3 };
// AC-GAN: D sees the image alone and ends in [real/fake logit, class logits].
const LAB_AC: MlpSpec = { ...LAB_COND, dLayers: [784, 512, 256, 11], auxClassifier: true };
const SMALL_AC: MlpSpec = { ...SMALL_COND, dLayers: [20, 24, 4], auxClassifier: true };

// ---- seeded data --------------------------------------------------------------------------

function rng(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** PyTorch nn.Linear default init: U(-1/√fan_in, 1/√fan_in) for W and b; W as [in][out]. */
function linearInit(widths: number[], seed: number): Float32Array[] {
  const r = rng(seed);
  const out: Float32Array[] = [];
  for (let k = 0; k + 1 < widths.length; k++) {
    const fanIn = widths[k]!, fanOut = widths[k + 1]!, bound = 1 / Math.sqrt(fanIn);
    out.push(Float32Array.from({ length: fanIn * fanOut }, () => (r.uniform() * 2 - 1) * bound));
    out.push(Float32Array.from({ length: fanOut }, () => (r.uniform() * 2 - 1) * bound));
  }
  return out;
}

function initWeights(spec: MlpSpec, seed: number): MlpWeights {
  return { g: linearInit(spec.gLayers, seed), d: linearInit(spec.dLayers, seed + 1) };
}

interface Batch { real: Float32Array; z: Float32Array; labels: Int32Array | null; n: number }

function batches(spec: MlpSpec, sizes: number[], seed: number): Batch[] {
  const r = rng(seed);
  const img = spec.gLayers.at(-1)!, zDim = spec.gLayers[0]! - spec.numClasses;
  return sizes.map((n) => ({
    n,
    // Image-like data in [-1, 1].
    real: Float32Array.from({ length: n * img }, () => Math.tanh(1.5 * r.normal())),
    z: Float32Array.from({ length: n * zDim }, () => r.normal()),
    labels: spec.numClasses ? Int32Array.from({ length: n }, () => Math.floor(r.uniform() * spec.numClasses)) : null,
  }));
}

// ---- the tfjs reference ---------------------------------------------------------------------

class TfGan {
  g: tf.Variable[];
  d: tf.Variable[];
  /** Adam moments per variable (plain JS: tfjs-cpu elementwise ops over 2M parameters would take seconds). */
  moments = new Map<tf.Variable, { m: Float32Array; v: Float32Array }>();
  t = 0;
  lastGGrads: Float32Array[] = [];

  constructor(private spec: MlpSpec, w: MlpWeights) {
    const vars = (widths: number[], ts: Float32Array[]) =>
      ts.map((t, i) => {
        const k = i >> 1;
        const shape = i % 2 === 0 ? [widths[k]!, widths[k + 1]!] : [widths[k + 1]!];
        return tf.variable(tf.tensor(t, shape));
      });
    this.g = vars(spec.gLayers, w.g);
    this.d = vars(spec.dLayers, w.d);
    for (const v of [...this.g, ...this.d]) this.moments.set(v, { m: new Float32Array(v.size), v: new Float32Array(v.size) });
  }

  /** torch.optim.Adam's update, written out: m, v; p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + eps). */
  private adam(vars: tf.Variable[], grads: tf.NamedTensorMap, t: number) {
    const { lr, beta1, beta2, eps } = this.spec;
    const bc1 = 1 - beta1 ** t, bc2 = 1 - beta2 ** t;
    for (const variable of vars) {
      const g = grads[variable.name]!.dataSync();
      const p = Float32Array.from(variable.dataSync());
      const st = this.moments.get(variable)!;
      for (let i = 0; i < p.length; i++) {
        st.m[i] = beta1 * st.m[i]! + (1 - beta1) * g[i]!;
        st.v[i] = beta2 * st.v[i]! + (1 - beta2) * g[i]! * g[i]!;
        p[i] = p[i]! - (lr / bc1) * (st.m[i]! / (Math.sqrt(st.v[i]!) / Math.sqrt(bc2) + eps));
      }
      variable.assign(tf.tensor(p, variable.shape));
    }
  }

  private mlp(x: tf.Tensor2D, ps: tf.Variable[], last: "tanh" | "none"): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < ps.length; i += 2) {
      h = tf.add(tf.matMul(h, ps[i] as tf.Tensor2D), ps[i + 1]!);
      const isLast = i + 2 === ps.length;
      if (!isLast) h = tf.leakyRelu(h, this.spec.slope);
      else if (last === "tanh") h = tf.tanh(h);
    }
    return h;
  }

  private withLabels(x: tf.Tensor2D, labels: Int32Array | null, n: number): tf.Tensor2D {
    if (!this.spec.numClasses) return x;
    return tf.concat([x, tf.oneHot(tf.tensor1d(labels!.subarray(0, n), "int32"), this.spec.numClasses).toFloat()], 1) as tf.Tensor2D;
  }

  /** D's input: the image, plus the one-hot label unless D predicts the label (AC-GAN). */
  private dInput(x: tf.Tensor2D, labels: Int32Array | null, n: number): tf.Tensor2D {
    return this.spec.auxClassifier ? x : this.withLabels(x, labels, n);
  }

  G(z: Float32Array, labels: Int32Array | null, n: number): tf.Tensor2D {
    const zDim = this.spec.gLayers[0]! - this.spec.numClasses;
    return this.mlp(this.withLabels(tf.tensor2d(z.subarray(0, n * zDim), [n, zDim]), labels, n), this.g, "tanh");
  }

  /** D's probability, then BCELoss as torch computes it (log clamped at -100). */
  private bce(logits: tf.Tensor2D, target: 0 | 1): tf.Scalar {
    const p = tf.sigmoid(logits);
    const logTerm = target === 1 ? tf.log(p) : tf.log(tf.sub(1, p));
    return tf.neg(tf.mean(tf.maximum(logTerm, -100)));
  }

  /** The real/fake column of D's output. */
  private adv(out: tf.Tensor2D): tf.Tensor2D {
    return this.spec.auxClassifier ? tf.slice(out, [0, 0], [-1, 1]) : out;
  }

  /**
   * D's loss against a target, plus (AC-GAN, target 1: D on real images, G on fakes) the
   * nn.CrossEntropyLoss of the class logits, −mean log softmax[label].
   */
  private loss(out: tf.Tensor2D, target: 0 | 1, labels: Int32Array | null, n: number): tf.Scalar {
    const bce = this.bce(this.adv(out), target);
    if (!this.spec.auxClassifier || target === 0) return bce;
    const logp = tf.logSoftmax(tf.slice(out, [0, 1], [-1, -1]));
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(labels!.subarray(0, n), "int32"), this.spec.numClasses)), 1);
    return tf.sub(bce, tf.mean(picked));
  }

  step(b: Batch): StepResult {
    const img = this.spec.gLayers.at(-1)!;
    let result: StepResult | undefined;
    tf.tidy(() => {
      const realIn = this.dInput(tf.tensor2d(b.real.subarray(0, b.n * img), [b.n, img]), b.labels, b.n);
      const fakeIn = this.dInput(this.G(b.z, b.labels, b.n), b.labels, b.n);
      let outs: tf.Tensor2D[] = [];
      const dStep = tf.variableGrads(() => {
        const or = this.mlp(realIn, this.d, "none"), of = this.mlp(fakeIn, this.d, "none");
        outs = [tf.keep(or), tf.keep(of)];
        return tf.add(this.loss(or, 1, b.labels, b.n), this.loss(of, 0, b.labels, b.n));
      }, this.d);
      this.t += 1;
      this.adam(this.d, dStep.grads, this.t);
      const lr = this.adv(outs[0]!).dataSync() as Float32Array, lf = this.adv(outs[1]!).dataSync() as Float32Array;
      let correct = 0;
      lr.forEach((l) => (correct += l > 0 ? 1 : 0));
      lf.forEach((l) => (correct += l < 0 ? 1 : 0));
      const sig = (l: number) => 1 / (1 + Math.exp(-l));
      const mean = (xs: Float32Array, f: (x: number) => number) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
      const gStep = tf.variableGrads(
        () => this.loss(this.mlp(this.dInput(this.G(b.z, b.labels, b.n), b.labels, b.n), this.d, "none"), 1, b.labels, b.n),
        this.g,
      );
      this.lastGGrads = this.g.map((v) => gStep.grads[v.name]!.dataSync() as Float32Array);
      this.adam(this.g, gStep.grads, this.t);
      result = {
        dLoss: dStep.value.dataSync()[0]!,
        gLoss: gStep.value.dataSync()[0]!,
        dAcc: correct / (2 * b.n),
        dReal: mean(lr, sig),
        dFake: mean(lf, sig),
      };
      if (this.spec.auxClassifier) {
        const classAcc = (out: tf.Tensor2D) => {
          const predicted = Array.from(tf.argMax(tf.slice(out, [0, 1], [-1, -1]), 1).dataSync());
          return predicted.filter((p, i) => p === b.labels![i]).length / b.n;
        };
        result.dClassReal = classAcc(outs[0]!);
        result.dClassFake = classAcc(outs[1]!);
      }
    });
    return result!;
  }

  weights(): MlpWeights {
    return { g: this.g.map((v) => v.dataSync() as Float32Array), d: this.d.map((v) => v.dataSync() as Float32Array) };
  }

  dispose() {
    tf.dispose([...this.g, ...this.d]);
  }
}

// ---- comparisons ---------------------------------------------------------------------------

/** ‖a − b‖₂ / ‖b‖₂. */
function l2RelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    scale += b[i]! ** 2;
  }
  return Math.sqrt(diff / Math.max(scale, 1e-300));
}

/**
 * Weights after `steps` updates match the reference, and so do the updates w − w0 (each ~lr, they
 * would hide in the weights alone). Adam's g/(|g|+eps) amplifies float32 summation-order noise on
 * the rare elements whose batch gradient cancels to ~eps (|g| ~ 1e-9 vs an rms of ~1e-4): any two
 * implementations, torch included, disagree there by a fraction of one step. So: every element
 * within 1e-4 of the tensor's scale except at most 0.1% of them, none off by more than one Adam
 * step (lr), and the updates equal in L2 to 1e-3.
 */
function expectWeightsClose(got: MlpWeights, want: MlpWeights, w0: MlpWeights, lr: number) {
  for (const net of ["g", "d"] as const) {
    want[net].forEach((wt, i) => {
      const gt = got[net][i]!, init = w0[net][i]!, what = `${net}[${i}]`;
      expect(gt.length, what).toBe(wt.length);
      let scale = 0, worst = 0, outliers = 0;
      for (let j = 0; j < wt.length; j++) scale = Math.max(scale, Math.abs(wt[j]!));
      for (let j = 0; j < wt.length; j++) {
        const e = Math.abs(gt[j]! - wt[j]!);
        worst = Math.max(worst, e);
        if (e > 1e-4 * scale) outliers++;
      }
      expect(outliers, `${what}: elements off by > 1e-4 of ${scale}`).toBeLessThanOrEqual(Math.max(2, wt.length * 1e-3));
      expect(worst, `${what}: worst element`).toBeLessThan(lr);
      const dGot = gt.map((x, j) => x - init[j]!), dWant = wt.map((x, j) => x - init[j]!);
      expect(l2RelErr(dGot, dWant), `${what} update`).toBeLessThan(1e-3);
    });
  }
}

/** Bit-identical Float32Arrays (fast; vitest's deep equality is slow on 800k elements). */
function expectSameBits(a: Float32Array, b: Float32Array, what: string) {
  const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  expect(bytes(a).equals(bytes(b)), what).toBe(true);
}

function expectStepClose(got: StepResult, want: StepResult) {
  expect(Math.abs(got.dLoss - want.dLoss) / Math.abs(want.dLoss)).toBeLessThan(1e-4);
  expect(Math.abs(got.gLoss - want.gLoss) / Math.abs(want.gLoss)).toBeLessThan(1e-4);
  expect(got.dAcc).toBe(want.dAcc);
  expect(got.dReal).toBeCloseTo(want.dReal, 5);
  expect(got.dFake).toBeCloseTo(want.dFake, 5);
  expect(got.dClassReal).toBe(want.dClassReal);
  expect(got.dClassFake).toBe(want.dClassFake);
}

function copyWeights(w: MlpWeights): MlpWeights {
  return { g: w.g.map((t) => t.slice()), d: w.d.map((t) => t.slice()) };
}

/** Trains both with the same batches; checks every step's result and, at `checkAt`, all weights. */
function compareTraining(spec: MlpSpec, sizes: number[], seed: number, checkAt: number[]) {
  const w0 = initWeights(spec, seed);
  const gan = native!.createMlpGan(spec, w0);
  const ref = new TfGan(spec, w0);
  try {
    batches(spec, sizes, seed + 7).forEach((b, i) => {
      expectStepClose(gan.step(b.real, b.z, b.labels, b.n), ref.step(b));
      if (checkAt.includes(i + 1)) {
        expectWeightsClose(gan.getWeights(), ref.weights(), w0, spec.lr);
        // gradNorms: the G gradients of this step; weightNorms: the updated G.
        const gn = gan.gradNorms(), wn = gan.weightNorms();
        ref.lastGGrads.forEach((g, j) => expect(Math.abs(gn[j]! - norm(g)) / norm(g)).toBeLessThan(1e-4));
        ref.weights().g.forEach((w, j) => expect(Math.abs(wn[j]! - norm(w)) / norm(w)).toBeLessThan(1e-5));
      }
    });
  } finally {
    ref.dispose();
  }
}

function norm(xs: Float32Array): number {
  let s = 0;
  for (const x of xs) s += x * x;
  return Math.sqrt(s);
}

// ---- tests -----------------------------------------------------------------------------------

beforeAll(async () => {
  await tf.setBackend("cpu");
});

afterEach(() => {
  delete process.env.GENLAB_NATIVE;
  resetNativeCache();
});

describe("native MLP GAN (OpenBLAS addon) vs a TensorFlow.js reference", () => {
  it.skipIf(!native)("reports its BLAS and threads", () => {
    expect(native!.blas).toMatch(/OpenBLAS/);
    expect(native!.threads).toBeGreaterThanOrEqual(1);
    expect(native!.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.skipIf(!native)("lab GAN: losses, D accuracy, all G and D weights after 1 and 3 steps", () => {
    compareTraining(LAB, [8, 8, 8], 1, [1, 3]);
  });

  it.skipIf(!native)("conditional lab GAN (one-hot label on G's z and D's x)", () => {
    compareTraining(LAB_COND, [6, 6], 2, [1, 2]);
  });

  it.skipIf(!native)("AC-GAN lab GAN (D sees the image alone and predicts its class; class loss on real in D, on fake in G)", () => {
    compareTraining(LAB_AC, [6, 6], 12, [1, 2]);
    compareTraining(SMALL_AC, [8, 5, 1], 13, [3]);
  });

  it.skipIf(!native)("a smaller last batch after full ones (and a larger one after that)", () => {
    compareTraining(SMALL, [8, 8, 3, 8, 11], 3, [3, 5]);
    compareTraining(SMALL_COND, [8, 5, 1], 4, [3]);
  });

  it.skipIf(!native)("generate() equals the tfjs forward pass, unconditional and conditional", () => {
    for (const [spec, n] of [[LAB, 64], [LAB_COND, 37], [SMALL, 1500]] as const) {
      const w = initWeights(spec, 5);
      const gan = native!.createMlpGan(spec, w);
      const ref = new TfGan(spec, w);
      const [b] = batches(spec, [n], 6);
      const got = gan.generate(b!.z, b!.labels, n);
      const want = tf.tidy(() => ref.G(b!.z, b!.labels, n).dataSync());
      expect(got.length).toBe(n * spec.gLayers.at(-1)!);
      let maxAbs = 0;
      got.forEach((x, i) => (maxAbs = Math.max(maxAbs, Math.abs(x - want[i]!))));
      expect(maxAbs).toBeLessThan(2e-6);
      ref.dispose();
    }
  });

  it.skipIf(!native)("optimizer state + weights round trip resumes bit-identically", () => {
    for (const spec of [LAB, SMALL_COND, SMALL_AC]) {
      const w0 = initWeights(spec, 8);
      const data = batches(spec, [32, 32, 32, 32, 9], 9);
      const a = native!.createMlpGan(spec, w0);
      const run = (g: NativeMlpGan, b: Batch) => g.step(b.real, b.z, b.labels, b.n);
      data.slice(0, 2).forEach((b) => run(a, b));
      const saved = { w: copyWeights(a.getWeights()), opt: a.getOptimizerState() };
      expect(saved.opt.step).toBe(2);

      const b = native!.createMlpGan(spec, initWeights(spec, 99));
      b.setWeights(saved.w);
      b.setOptimizerState(saved.opt);
      for (const batch of data.slice(2)) expect(run(b, batch)).toEqual(run(a, batch));
      const wa = a.getWeights(), wb = b.getWeights();
      const sa = a.getOptimizerState(), sb = b.getOptimizerState();
      expect(sb.step).toBe(sa.step);
      for (const net of ["g", "d"] as const) {
        wa[net].forEach((t, i) => expectSameBits(wb[net][i]!, t, `${net}[${i}]`));
        sa[net].m.forEach((t, i) => expectSameBits(sb[net].m[i]!, t, `${net}.m[${i}]`));
        sa[net].v.forEach((t, i) => expectSameBits(sb[net].v[i]!, t, `${net}.v[${i}]`));
      }
      expect(b.gradNorms()).toEqual(a.gradNorms());
    }
  });

  it.skipIf(!native)("rejects malformed input instead of reading out of bounds", () => {
    const spec = SMALL_COND;
    const gan = native!.createMlpGan(spec, initWeights(spec, 10));
    const [b] = batches(spec, [4], 11);
    expect(() => gan.step(b!.real.subarray(0, 10), b!.z, b!.labels, 4)).toThrow(/real/);
    expect(() => gan.step(b!.real, b!.z, null, 4)).toThrow(/labels/);
    expect(() => gan.step(b!.real, b!.z, Int32Array.of(0, 1, 2, 3), 4)).toThrow(/out of range/);
    expect(() => gan.generate(b!.z, b!.labels, 0)).toThrow(/positive/);
    expect(() => native!.createMlpGan({ ...spec, dLayers: [20, 24, 1] }, initWeights(spec, 1))).toThrow(/dLayers/);
    expect(() => native!.createMlpGan({ ...spec, auxClassifier: true }, initWeights(spec, 1))).toThrow(/dLayers\[0\].*auxClassifier/);
    expect(() => native!.createMlpGan({ ...SMALL_AC, dLayers: [20, 24, 1] }, initWeights(SMALL_AC, 1))).toThrow(/1 \+ numClasses/);
    expect(() => native!.createMlpGan(spec, { g: [], d: [] })).toThrow(/init\.g/);
    const w = initWeights(spec, 12);
    w.d[0] = new Float32Array(3);
    expect(() => gan.setWeights(w)).toThrow(/weights\.d\[0\]/);
    // A failed setWeights leaves the trainer as it was.
    expect(gan.getWeights().d[0]!.length).toBe(23 * 24);
  });

  it("GENLAB_NATIVE=0 disables the addon (loadNative returns undefined, never throws)", () => {
    process.env.GENLAB_NATIVE = "0";
    resetNativeCache();
    expect(loadNative()).toBeUndefined();
  });
});
