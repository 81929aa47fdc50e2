import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { NativeDcganTrainer, dcganShapes } from "../../../src/engines/gan/dcgan-native.ts";
import { TfjsDcganTrainer } from "../../../src/engines/gan/dcgan-tfjs.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";
import { ADAM, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { createTrainer } from "../../../src/engines/gan/trainer-factory.ts";
import type { Weights } from "../../../src/engines/gan/trainer.ts";
import { loadNative } from "../../../src/engines/gan/native.ts";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";

/**
 * The native DCGAN step (native/src/dcgan.cc) against GenLab's TensorFlow.js DCGAN trainer on the
 * same initial weights and batches: losses, every weight and batch-norm statistic, and Adam's
 * moments after a few steps; checkpoint/resume bit for bit; inference-mode sampling.
 */

const native = loadNative();
const addon = native?.createDcgan ? { ...native, createDcgan: native.createDcgan } : undefined;

const FASHION: GanSpec = { arch: "dcgan", conditional: true, zDim: 100, height: 28, width: 28, channels: 1, classes: ["a", "b", "c"] };
const FASHION_AC: GanSpec = { ...FASHION, auxClassifier: true };
const CIFAR: GanSpec = { arch: "dcgan", conditional: false, zDim: 100, height: 32, width: 32, channels: 3, classes: [] };

function batches(spec: GanSpec, batch: number, steps: number, seed: number) {
  const rng = new Rng(seed);
  const px = spec.height * spec.width * spec.channels;
  return Array.from({ length: steps }, () => ({
    real: Float32Array.from({ length: batch * px }, () => rng.uniform() * 2 - 1),
    z: rng.normals(batch * spec.zDim),
    labels: spec.conditional ? Int32Array.from({ length: batch }, () => Math.floor(rng.uniform() * spec.classes.length)) : null,
  }));
}

function copy(w: Weights): Weights {
  return { g: w.g.map((a) => a.slice()), d: w.d.map((a) => a.slice()) };
}

/** Largest |a − b| relative to max(1, |b|), over all arrays, with where it happened. */
function worst(a: Float32Array[], b: Float32Array[]): { err: number; at: string } {
  let err = 0;
  let at = "";
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i]!.length);
    for (let j = 0; j < x.length; j++) {
      const e = Math.abs(x[j]! - b[i]![j]!) / Math.max(1, Math.abs(b[i]![j]!));
      if (!(e <= err)) {
        err = e;
        at = `tensor ${i}[${j}]: ${x[j]} vs ${b[i]![j]}`;
      }
    }
  });
  return { err, at };
}

describe.skipIf(!addon)("native DCGAN", () => {
  for (const [name, spec] of [["28×28×1 conditional", FASHION], ["28×28×1 AC-GAN", FASHION_AC], ["32×32×3", CIFAR]] as const) {
    it(`${name}: two steps match the TensorFlow.js trainer (losses, gradients, every weight, batch-norm statistics)`, async () => {
      await tfRuntime();
      const ref = new TfjsDcganTrainer(tf, spec, ADAM, 7);
      const init = copy(ref.getWeights());
      const nat = new NativeDcganTrainer(addon!, spec, ADAM, init);
      expect(nat.shapes()).toEqual(ref.shapes());
      // D's second conv has a bias and then batch norm, which subtracts it again: its gradient
      // is rounding noise on both sides (|g| ~ 1e-9), and Adam turns noise into ±lr steps.
      const noiseBias = spec.conditional && !spec.auxClassifier ? 5 : 3; // after the label map's two tensors
      const keys = ["dLoss", "gLoss", "dReal", "dFake", "dAcc", ...(spec.auxClassifier ? (["dClassReal", "dClassFake"] as const) : [])] as const;
      const batch = 4;
      const steps = batches(spec, batch, 2, 11);
      for (const [i, b] of steps.entries()) {
        const r = ref.step(b.real, b.z, b.labels, batch);
        const n = nat.step(b.real, b.z, b.labels, batch);
        for (const k of keys) expect(Math.abs(n[k]! - r[k]!), `step ${i + 1} ${k}`).toBeLessThan(1e-4);
        const rw = ref.getWeights();
        const nw = nat.getWeights();
        const dTensors = (w: Float32Array[]) => w.filter((_, j) => j !== noiseBias);
        if (i === 0) {
          // After one step Adam's first moment is (1 − β1)·gradient: the gradients themselves.
          const ro = ref.getOptimizerState();
          const no = nat.getOptimizerState();
          expect(no.step).toBe(1);
          expect(scaledError(no.g.m, ro.g.m), "G gradients").toBeLessThan(1e-4);
          expect(scaledError(dTensors(no.d.m), dTensors(ro.d.m)), "D gradients").toBeLessThan(1e-4);
          expect(no.d.m[noiseBias]!.every((v) => Math.abs(v) < 1e-6), "BN-cancelled bias gradient").toBe(true);
        }
        // Trainable weights: all but a handful of elements to 1e-5 (a gradient within rounding
        // noise of 0 can send Adam either way, at most lr per step). Running statistics to 1e-4
        // (D's running mean carries the noise bias above, times 1 − momentum).
        const trainables = (w: Float32Array[], stats: number) => w.slice(0, -stats);
        for (const [net, a, b2] of [["G", trainables(nw.g, 6), trainables(rw.g, 6)], ["D", dTensors(trainables(nw.d, 2)), dTensors(trainables(rw.d, 2))]] as const) {
          const { over, total, max } = differing(a, b2, 1e-5);
          expect(over / total, `${net} share of weights off by > 1e-5`).toBeLessThan(1e-4);
          expect(max, `${net} largest difference`).toBeLessThanOrEqual(2 * ADAM.lr + 1e-6);
        }
        const stats = (w: Float32Array[], k: number) => w.slice(-k);
        expect(worst(stats(nw.g, 6), stats(rw.g, 6)).err, "G batch-norm statistics").toBeLessThan(1e-4);
        expect(worst(stats(nw.d, 2), stats(rw.d, 2)).err, "D batch-norm statistics").toBeLessThan(1e-4);
        // Each step is compared from the same state: the few noise-driven ±lr steps above would
        // otherwise feed every later gradient (how many there are depends on the CPU's BLAS
        // kernels), and the comparison would measure that chaos instead of the step's arithmetic.
        nat.setWeights(ref.getWeights());
        nat.setOptimizerState(ref.getOptimizerState());
      }
      // The running statistics moved (tf.layers updates them on every training-mode call).
      expect(worst([nat.getWeights().g.at(-1)!], [init.g.at(-1)!]).err).toBeGreaterThan(1e-3);
      // Sampling: inference mode (running statistics) on both.
      const z = new Rng(3).normals(2 * spec.zDim);
      const labels = spec.conditional ? Int32Array.from([2, 0]) : null;
      expect(worst([nat.generate(z, labels, 2)], [ref.generate(z, labels, 2)]).err).toBeLessThan(1e-4);
      ref.dispose();
    });
  }

  it("resumes from a checkpoint bit for bit, and samples deterministically", () => {
    const spec = FASHION;
    const init = copy(new NativeDcganTrainer(addon!, spec, ADAM, zeroInit(spec)).getWeights());
    const rng = new Rng(5);
    init.g.forEach((a, i) => i < 11 && a.forEach((_, j) => (a[j] = rng.normal() * 0.02 + (i === 1 || i === 4 || i === 7 ? 1 : 0))));
    init.d.forEach((a, i) => i < 10 && i !== 6 && a.forEach((_, j) => (a[j] = rng.normal() * 0.02)));
    const steps = batches(spec, 4, 3, 2);
    const straight = new NativeDcganTrainer(addon!, spec, ADAM, copy(init));
    for (const b of steps) straight.step(b.real, b.z, b.labels, 4);

    const first = new NativeDcganTrainer(addon!, spec, ADAM, copy(init));
    first.step(steps[0]!.real, steps[0]!.z, steps[0]!.labels, 4);
    const resumed = new NativeDcganTrainer(addon!, spec, ADAM, copy(first.getWeights()));
    resumed.setOptimizerState(first.getOptimizerState());
    for (const b of steps.slice(1)) resumed.step(b.real, b.z, b.labels, 4);

    const rw = resumed.getWeights(), sw = straight.getWeights();
    expect(sameBits([...rw.g, ...rw.d], [...sw.g, ...sw.d])).toBe(true);
    const ro = resumed.getOptimizerState(), so = straight.getOptimizerState();
    expect(ro.step).toBe(3);
    expect(sameBits([...ro.g.m, ...ro.g.v, ...ro.d.m, ...ro.d.v], [...so.g.m, ...so.g.v, ...so.d.m, ...so.d.v])).toBe(true);
    // …and the run did move: a resumed trainer that skipped a step would differ.
    expect(sameBits(rw.g, first.getWeights().g)).toBe(false);
    const z = new Rng(9).normals(5 * spec.zDim);
    const labels = Int32Array.from([0, 1, 2, 0, 1]);
    expect(sameBits([resumed.generate(z, labels, 5)], [straight.generate(z, labels, 5)])).toBe(true);
  });

  it("refuses bad arguments with a sentence, leaving the trainer as it was", () => {
    const nat = new NativeDcganTrainer(addon!, FASHION, ADAM, zeroInit(FASHION));
    const before = nat.getWeights();
    const px = 28 * 28;
    expect(() => nat.step(new Float32Array(2 * px), new Float32Array(200), Int32Array.from([0, 3]), 2)).toThrow(/label 3 out of range \[0, 3\)/);
    expect(() => nat.step(new Float32Array(px), new Float32Array(200), Int32Array.from([0, 1]), 2)).toThrow(/real holds 784 floats/);
    expect(() => nat.setWeights({ g: before.g.slice(1), d: before.d })).toThrow(/weights\.g must hold 17 tensors/);
    const after = nat.getWeights();
    expect(sameBits([...after.g, ...after.d], [...before.g, ...before.d])).toBe(true);
  });

  it("is what createTrainer picks for a DCGAN (GENLAB_NATIVE=0 picks TensorFlow.js)", async () => {
    const t = await createTrainer(CIFAR, { seed: 1 });
    expect(t.implementation).toMatch(/^native \(OpenBLAS/);
    expect(t.shapes!()).toEqual(dcganShapes(CIFAR));
    const old = process.env.GENLAB_NATIVE;
    process.env.GENLAB_NATIVE = "0";
    try {
      const f = await createTrainer(CIFAR, { seed: 1 });
      expect(f.implementation).toMatch(/^tfjs-/);
      // The same seed draws the same network on both.
      const fw = f.getWeights(), tw = t.getWeights();
      expect(sameBits([...fw.g, ...fw.d], [...tw.g, ...tw.d])).toBe(true);
      f.dispose();
    } finally {
      if (old === undefined) delete process.env.GENLAB_NATIVE;
      else process.env.GENLAB_NATIVE = old;
    }
    t.dispose();
  });
});

/** Largest |a − b| over all tensors, each scaled by the reference tensor's largest |b|. */
function scaledError(a: Float32Array[], b: Float32Array[]): number {
  let err = 0;
  b.forEach((x, i) => {
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < x.length; j++) err = Math.max(err, Math.abs(a[i]![j]! - x[j]!) / scale);
  });
  return err;
}

function differing(a: Float32Array[], b: Float32Array[], tol: number): { over: number; total: number; max: number } {
  let over = 0, total = 0, max = 0;
  a.forEach((x, i) => {
    for (let j = 0; j < x.length; j++) {
      const e = Math.abs(x[j]! - b[i]![j]!);
      if (e > tol) over++;
      max = Math.max(max, e);
    }
    total += x.length;
  });
  return { over, total, max };
}

/** Bit-for-bit equality of two tensor lists (vitest's toEqual walks millions of floats slowly). */
function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength)));
}

function zeroInit(spec: GanSpec): Weights {
  const s = dcganShapes(spec);
  const make = (shapes: number[][]) => shapes.map((sh) => new Float32Array(sh.reduce((a, n) => a * n, 1)));
  return { g: make(s.generator), d: make(s.discriminator) };
}

