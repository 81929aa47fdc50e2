import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { NativeDcganTrainer, dcganShapes } from "../../../src/engines/gan/dcgan-native.ts";
import { TfjsDcganTrainer } from "../../../src/engines/gan/dcgan-tfjs.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";
import { ADAM, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { createTrainer } from "../../../src/engines/gan/trainer-factory.ts";
import { loadNative } from "../../../src/engines/gan/native.ts";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";
import { batches, copy, expectStepsMatch, sameBits, worst, zeroInit } from "../../support/dcgan.ts";

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




describe.skipIf(!addon)("native DCGAN", () => {
  for (const [name, spec] of [["28×28×1 conditional", FASHION], ["28×28×1 AC-GAN", FASHION_AC], ["32×32×3", CIFAR]] as const) {
    it(`${name}: two steps match the TensorFlow.js trainer (losses, gradients, every weight, batch-norm statistics)`, async () => {
      await tfRuntime();
      const ref = new TfjsDcganTrainer(tf, spec, ADAM, 7);
      const init = copy(ref.getWeights());
      const nat = new NativeDcganTrainer(addon!, spec, ADAM, init);
      expect(nat.shapes()).toEqual(ref.shapes());
      expectStepsMatch(spec, ref, nat, { batch: 4, steps: 2, seed: 11 });
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





