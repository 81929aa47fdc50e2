import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/engines/gan/datasets/index.ts";
import { TfjsDcganTrainer } from "../../../src/engines/gan/dcgan-tfjs.ts";
import { GanCatalog, GanEngine, trainGan } from "../../../src/engines/gan/index.ts";
import { Rng } from "../../../src/engines/gan/random.ts";
import { ADAM, type GanSpec } from "../../../src/engines/gan/spec.ts";
import { tfRuntime } from "../../../src/engines/runtime/tfjs.ts";
import { tempDir } from "../../support/config.ts";

const classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

describe("DCGAN (TensorFlow.js layers)", () => {
  it.each([
    [32, 3, true],
  ] as const)("%i px, %i channels (conditional: %s): one training step learns, and G draws images of that shape", async (size, channels, conditional) => {
    await tfRuntime();
    // The wasm backend cannot train convolutions; one tiny step on the JS backend proves the graph.
    await tf.setBackend("cpu");
    const spec: GanSpec = { arch: "dcgan", conditional, zDim: 100, height: size, width: size, channels, classes };
    const trainer = new TfjsDcganTrainer(tf, spec, ADAM, 1);
    const rng = new Rng(1);
    const batch = 2;
    const labels = conditional ? Int32Array.from([3, 8]) : null;
    const before = trainer.getWeights().g[0]!.slice();
    const r = trainer.step(Float32Array.from({ length: batch * size * size * channels }, () => rng.uniform() * 2 - 1), rng.normals(batch * 100), labels, batch);
    expect(Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss)).toBe(true);
    expect(trainer.getWeights().g[0]).not.toEqual(before);
    expect(trainer.gradNorms().every((n) => n > 0)).toBe(true);
    const out = trainer.generate(rng.normals(3 * 100), conditional ? Int32Array.from([0, 1, 2]) : null, 3);
    expect(out.length).toBe(3 * size * size * channels);
    expect(out.every((v) => v >= -1 && v <= 1)).toBe(true);
    const state = trainer.getOptimizerState();
    expect(state.step).toBe(1);
    trainer.dispose();
    await tf.setBackend("wasm");
  });

  it("trains end to end on the JavaScript backend when allowed, and samples from the saved model", async () => {
    const dataset = await loadDataset("fashion-mnist", { limit: 2 });
    const out = tempDir("genlab-dcgan-");
    const r = await trainGan({ dataset, arch: "dcgan", conditional: false, epochs: 1, batch: 2, sampleEvery: 1, seed: 1, outDir: out, resume: false, allowSlowBackend: true });
    expect(r).toMatchObject({ epochsDone: 1, stopped: false });
    const engine = new GanEngine(new GanCatalog([out]));
    const s = await engine.generate(engine.validate({ model: "model", n: 2, seed: 4 }));
    expect(s.images[0]).toMatchObject({ width: 28, height: 28, channels: 1 });
    await tf.setBackend("wasm");
  });

  it("refuses to train on the wasm backend with a sentence that says what to do", async () => {
    const dataset = await loadDataset("fashion-mnist", { limit: 16 });
    await expect(trainGan({ dataset, arch: "dcgan", conditional: false, epochs: 1, batch: 8, sampleEvery: 1, seed: 1, outDir: tempDir("genlab-dcgan-"), resume: false })).rejects.toThrow(
      /^DCGAN training needs TensorFlow's native backend \(@tensorflow\/tfjs-node or tfjs-node-gpu\).*train --arch mlp here.*--allow-slow/,
    );
  });
});
