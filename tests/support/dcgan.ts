import { expect } from "vitest";
import { dcganShapes } from "../../src/engines/gan/dcgan-native.ts";
import { Rng } from "../../src/engines/runtime/random.ts";
import { ADAM, type GanSpec } from "../../src/engines/gan/spec.ts";
import type { Trainer, Weights } from "../../src/engines/gan/trainer.ts";

/** Random batches (images in [-1, 1], normal z, labels) for a DCGAN spec. */
export function batches(spec: GanSpec, batch: number, steps: number, seed: number) {
  const rng = new Rng(seed);
  const px = spec.height * spec.width * spec.channels;
  return Array.from({ length: steps }, () => ({
    real: Float32Array.from({ length: batch * px }, () => rng.uniform() * 2 - 1),
    z: rng.normals(batch * spec.zDim),
    labels: spec.conditional ? Int32Array.from({ length: batch }, () => Math.floor(rng.uniform() * spec.classes.length)) : null,
  }));
}

export function copy(w: Weights): Weights {
  return { g: w.g.map((a) => a.slice()), d: w.d.map((a) => a.slice()) };
}

export function zeroInit(spec: GanSpec): Weights {
  const s = dcganShapes(spec);
  const make = (shapes: number[][]) => shapes.map((sh) => new Float32Array(sh.reduce((a, n) => a * n, 1)));
  return { g: make(s.generator), d: make(s.discriminator) };
}

/**
 * One step of `other` against one of `ref`, from the same state, `steps` times: losses, the
 * gradients (Adam's first moment after step 1), every weight and batch-norm statistic. After each
 * step `other` is reset to `ref`'s state: a gradient within rounding noise of 0 can send Adam
 * either way (±lr), and carried into later steps that chaos, not the step's arithmetic, would be
 * measured. `other` must start from `ref`'s weights.
 */
export function expectStepsMatch(spec: GanSpec, ref: Trainer, other: Trainer, opts: { batch: number; steps: number; seed: number }): void {
  // D's second conv has a bias and then batch norm, which subtracts it again: its gradient is
  // rounding noise on both sides (|g| ~ 1e-9), and Adam turns noise into ±lr steps.
  const noiseBias = spec.conditional && !spec.auxClassifier ? 5 : 3; // after the label map's two tensors
  const keys = ["dLoss", "gLoss", "dReal", "dFake", "dAcc", ...(spec.auxClassifier ? (["dClassReal", "dClassFake"] as const) : [])] as const;
  const { batch } = opts;
  for (const [i, b] of batches(spec, batch, opts.steps, opts.seed).entries()) {
    const r = ref.step(b.real, b.z, b.labels, batch);
    const n = other.step(b.real, b.z, b.labels, batch);
    for (const k of keys) expect(Math.abs(n[k]! - r[k]!), `step ${i + 1} ${k}`).toBeLessThan(1e-4);
    const rw = ref.getWeights();
    const nw = other.getWeights();
    const dTensors = (w: Float32Array[]) => w.filter((_, j) => j !== noiseBias);
    if (i === 0) {
      // After one step Adam's first moment is (1 − β1)·gradient: the gradients themselves.
      const ro = ref.getOptimizerState();
      const no = other.getOptimizerState();
      expect(no.step).toBe(1);
      expect(scaledError(no.g.m, ro.g.m), "G gradients").toBeLessThan(1e-4);
      expect(scaledError(dTensors(no.d.m), dTensors(ro.d.m)), "D gradients").toBeLessThan(1e-4);
      expect(no.d.m[noiseBias]!.every((v) => Math.abs(v) < 1e-6), "BN-cancelled bias gradient").toBe(true);
    }
    // Trainable weights: all but a handful of elements to 1e-5 (at most lr off per step, as
    // above). Running statistics to 1e-4 (D's running mean carries the noise bias, times 1 − momentum).
    const trainables = (w: Float32Array[], stats: number) => w.slice(0, -stats);
    for (const [net, a, b2] of [["G", trainables(nw.g, 6), trainables(rw.g, 6)], ["D", dTensors(trainables(nw.d, 2)), dTensors(trainables(rw.d, 2))]] as const) {
      const { over, total, max } = differing(a, b2, 1e-5);
      expect(over / total, `${net} share of weights off by > 1e-5`).toBeLessThan(1e-4);
      expect(max, `${net} largest difference`).toBeLessThanOrEqual(2 * ADAM.lr + 1e-6);
    }
    const stats = (w: Float32Array[], k: number) => w.slice(-k);
    expect(worst(stats(nw.g, 6), stats(rw.g, 6)).err, "G batch-norm statistics").toBeLessThan(1e-4);
    expect(worst(stats(nw.d, 2), stats(rw.d, 2)).err, "D batch-norm statistics").toBeLessThan(1e-4);
    other.setWeights(ref.getWeights());
    other.setOptimizerState(ref.getOptimizerState());
  }
}

/** Largest |a − b| relative to max(1, |b|), over all arrays, with where it happened. */
export function worst(a: Float32Array[], b: Float32Array[]): { err: number; at: string } {
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
export function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength)));
}
