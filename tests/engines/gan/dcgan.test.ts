import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/engines/gan/datasets/index.ts";
import { TfjsDcganTrainer } from "../../../src/engines/gan/dcgan-tfjs.ts";
import { join } from "node:path";
import { GanCatalog, GanEngine, loadModel, trainGan, type EpochMetrics } from "../../../src/engines/gan/index.ts";
import { Rng } from "../../../src/engines/runtime/random.ts";
import { ADAM, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";
import { tempDir } from "../../support/config.ts";

const classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

describe("DCGAN (TensorFlow.js layers)", () => {
  it("32 px, 3 channels, conditional: one training step learns, and G draws images of that shape", async () => {
    await tfRuntime();
    const spec: GanSpec = { arch: "dcgan", conditional: true, zDim: 100, height: 32, width: 32, channels: 3, classes };
    const trainer = new TfjsDcganTrainer(tf, spec, ADAM, 1);
    const rng = new Rng(1);
    const batch = 4;
    const before = trainer.getWeights().g[0]!.slice();
    const r = trainer.step(Float32Array.from({ length: batch * 32 * 32 * 3 }, () => rng.uniform() * 2 - 1), rng.normals(batch * 100), Int32Array.from([3, 8, 0, 1]), batch);
    expect(Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss)).toBe(true);
    expect(trainer.getWeights().g[0]).not.toEqual(before);
    expect(trainer.gradNorms().every((n) => n > 0)).toBe(true);
    const out = trainer.generate(rng.normals(3 * 100), Int32Array.from([0, 1, 2]), 3);
    expect(out.length).toBe(3 * 32 * 32 * 3);
    expect(out.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(trainer.getOptimizerState().step).toBe(1);
    trainer.dispose();
  });

  it("trains 28×28×1 end to end (native trainer, else wasm with GenLab's Conv2DBackpropFilter kernel), resumes, and samples", async () => {
    const dataset = await loadDataset("fashion-mnist", { limit: 32 });
    const out = tempDir("genlab-dcgan-");
    const run = (epochs: number, resume: boolean) => trainGan({ dataset, arch: "dcgan", conditional: false, epochs, batch: 16, sampleEvery: 1, seed: 1, outDir: out, resume });
    expect(await run(1, false)).toMatchObject({ epochsDone: 1, stopped: false });
    expect(await run(2, true)).toMatchObject({ epochsDone: 2, stopped: false });
    expect(loadModel(`${out}/checkpoint`).manifest.training).toMatchObject({ epoch: 2 });
    expect(tf.getBackend()).toBe("wasm");
    const engine = new GanEngine(new GanCatalog([out]));
    const s = await engine.generate(engine.validate({ model: "model", n: 2, seed: 4 }));
    expect(s.images[0]).toMatchObject({ width: 28, height: 28, channels: 1 });
  });

  it("a conditional DCGAN is an AC-GAN unless told otherwise: D sees the image alone and names its class", async () => {
    const dataset = await loadDataset("fashion-mnist", { limit: 32 });
    const out = tempDir("genlab-dcgan-");
    const epochs: EpochMetrics[] = [];
    await trainGan({ dataset, arch: "dcgan", conditional: true, epochs: 1, batch: 16, sampleEvery: 1, seed: 1, outDir: out, resume: false, onEvent: (e) => void (e.type === "epoch" && epochs.push(e.metrics)) });
    expect(epochs[0]!.d_class_real).toBeGreaterThanOrEqual(0);
    expect(epochs[0]!.d_class_fake).toBeGreaterThanOrEqual(0);
    const model = loadModel(join(out, "checkpoint"), { discriminator: true });
    expect(model.manifest.spec.auxClassifier).toBe(true);
    const d = model.manifest.networks.discriminator!;
    expect(d[0]).toEqual([5, 5, 1, 64]); // no label-map channel
    expect(d.slice(-4, -2)).toEqual([[7 * 7 * 128, 11], [11]]); // real/fake + 10 class logits
    const engine = new GanEngine(new GanCatalog([out]));
    const s = await engine.generate(engine.validate({ model: "model", n: 2, seed: 4, label: 7 }));
    expect(s.images).toHaveLength(2);
  });

  it("refuses the plain-JS backend unless asked, with a sentence that says what to do", async () => {
    const dataset = await loadDataset("fashion-mnist", { limit: 16 });
    await tf.setBackend("cpu");
    // Only the TensorFlow.js fallback can be that slow: without the native trainer.
    const native = process.env.GENLAB_NATIVE;
    process.env.GENLAB_NATIVE = "0";
    try {
      await expect(trainGan({ dataset, arch: "dcgan", conditional: false, epochs: 1, batch: 8, sampleEvery: 1, seed: 1, outDir: tempDir("genlab-dcgan-"), resume: false })).rejects.toThrow(
        /^DCGAN training on TensorFlow\.js's plain JavaScript backend takes tens of seconds per step: .*--allow-slow/,
      );
    } finally {
      await tf.setBackend("wasm");
      if (native === undefined) delete process.env.GENLAB_NATIVE;
      else process.env.GENLAB_NATIVE = native;
    }
  });
});
