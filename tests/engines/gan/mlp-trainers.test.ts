import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initMlp } from "../../../src/engines/gan/mlp-init.ts";
import { TfjsMlpTrainer } from "../../../src/engines/gan/mlp-tfjs.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";
import { mlpLayers, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { mlpTrainerSpec } from "../../../src/engines/gan/trainer-factory.ts";
import type { StepResult } from "../../../src/engines/gan/trainer.ts";
import { loadNative, type NativeMlpGan } from "../../../src/engines/gan/native.ts";

/**
 * The portable TensorFlow.js MLP trainer (what runs when the native one is not built) against
 * the native one, which tests/engines/gan/native-mlp-gan.test.ts holds to an independent
 * reference: the same steps from the same weights give the same losses and weights.
 */

const native = loadNative();

// A small 6×6 "image" GAN keeps the tfjs cpu backend quick.
const base: GanSpec = { arch: "mlp", conditional: true, zDim: 8, height: 6, width: 6, channels: 1, classes: ["a", "b", "c", "d"] };

/** Both trainers, from the same initial weights. */
function trainers(spec: GanSpec): [TfjsMlpTrainer, NativeMlpGan] {
  const init = initMlp(mlpLayers(spec), new Rng(3));
  const copy = { g: init.g.map((a) => a.slice()), d: init.d.map((a) => a.slice()) };
  return [new TfjsMlpTrainer(tf, mlpTrainerSpec(spec), init), native!.createMlpGan(mlpTrainerSpec(spec), copy)];
}

function expectClose(a: StepResult, b: StepResult) {
  for (const k of ["dLoss", "gLoss", "dReal", "dFake"] as const) expect(a[k]).toBeCloseTo(b[k], 5);
  expect(a.dAcc).toBe(b.dAcc);
  expect(a.dClassReal).toBe(b.dClassReal);
  expect(a.dClassFake).toBe(b.dClassFake);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("TensorFlow.js MLP trainer vs the native one", () => {
  it.skipIf(!native).each([
    ["concatenated labels", { ...base }],
    ["AC-GAN discriminator", { ...base, auxClassifier: true }],
  ])("%s: same losses, accuracies and weights over 4 steps", (_, spec) => {
    const [js, nat] = trainers(spec);
    const rng = new Rng(11);
    const batch = 16;
    for (let s = 0; s < 4; s++) {
      const real = Float32Array.from(rng.normals(batch * 36), Math.tanh);
      const z = rng.normals(batch * spec.zDim);
      const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7 + s) % 4);
      expectClose(js.step(real, z, labels, batch), nat.step(real, z, labels, batch));
    }
    const a = js.getWeights();
    const b = nat.getWeights();
    expect(a.d.at(-1)!.length).toBe(spec.auxClassifier ? 5 : 1);
    let worst = 0;
    for (const net of ["g", "d"] as const) a[net].forEach((w, i) => w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[net][i]![j]!)))));
    expect(worst).toBeLessThan(1e-5);
    js.dispose();
  });
});
